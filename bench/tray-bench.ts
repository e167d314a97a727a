// Issue 20's "tray that weighs nothing" and issue 16's add target, on `ferry serve` (the desktop
// app's main process cannot run here; `ferry serve` with no browser connected stands in for it):
//   - add 10,000 paused downloads over the WebSocket (10 calls of 1,000, the contract's limit);
//   - the host's memory with no UI connected: empty, with 10,000 loaded from its data folder, and
//     right after the 10,000 were added (RSS as the OS sees it, and the V8 heap after a full GC,
//     from bench/memory-probe.cjs);
//   - reopening: Debian's Chromium loads the headless UI from a host holding 10,000 transfers;
//     time from navigation start to the first frame with rows (bundle from the HTTP cache, as a
//     rebuilt desktop window loads it from disk).
// Needs the renderer built (`npx vite build`). BENCH_ONLY=tray runs it alone.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writePausedRecords } from '../test-support/many-records';
import { median, table, type Verdict } from './report';
import { connectWire, startServe, type MemoryReport } from './serve-process';

const MB = 1000 * 1000;
const COUNT = 10_000;
const BATCH = 1000;
const REOPEN_TARGET_MS = 500;
const MEMORY_TARGET = 120 * MB;
// Port 9 on loopback: nothing listens, and paused transfers never ask.
const urlOf = (i: number) => `http://127.0.0.1:9/t${i}.bin`;

export async function trayBench(options: { runs: number; loads?: number }): Promise<Verdict[]> {
  const home = await mkdtemp(path.join(tmpdir(), 'ferry-tray-bench-'));
  try {
    const adds: number[] = [];
    let afterAdds: MemoryReport | undefined;
    for (let run = 0; run < options.runs; run++) {
      const measured = await addAll(path.join(home, `add-${run}`));
      adds.push(measured.seconds);
      afterAdds = measured.memory;
    }
    const empty = await idleMemory(path.join(home, 'empty'));
    const loadedDir = path.join(home, 'loaded');
    await writePausedRecords(path.join(loadedDir, 'data'), COUNT, urlOf);
    const loaded = await idleMemory(loadedDir);
    const reopen = await reopenTimes(loadedDir, options.loads ?? 5);

    // V8's young generation grows to its 16 MB semi-spaces while thousands of views are made, and
    // its pages stay resident: shown apart, since it is most of the difference to the empty host.
    const mem = (m: MemoryReport) =>
      `${(m.before.rss / MB).toFixed(0)} MB RSS, heap ${(m.before.heapUsed / MB).toFixed(0)} MB (${(m.heapUsedAfterGc / MB).toFixed(0)} after GC), young gen ${((m.spaces.new_space ?? 0) / MB).toFixed(0)} MB`;
    const range = (xs: number[], unit: string, digits: number) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)} ${unit} (median ${median(xs).toFixed(digits)})`;
    console.log(`\nA tray that weighs nothing: ferry serve with no UI connected, ${COUNT.toLocaleString('en')} transfers`);
    console.log(
      table(
        ['measure', 'value', 'target'],
        [
          [`add ${COUNT.toLocaleString('en')} paused (${COUNT / BATCH} calls)`, range(adds, 's', 2), '< 1 s'],
          ['host memory, empty', mem(empty), ''],
          [`host memory, ${COUNT.toLocaleString('en')} loaded`, mem(loaded), '<= 120 MB'],
          [`host memory, just added ${COUNT.toLocaleString('en')}`, afterAdds ? mem(afterAdds) : 'n/a', '<= 120 MB'],
          ['reopen: first rows painted', range(reopen.paints, 'ms', 0), `< ${REOPEN_TARGET_MS} ms`],
          ['reopen: page main-thread CPU until then', range(reopen.cpu, 'ms', 0), ''],
          ['snapshot the window receives', `${(reopen.snapshotBytes / MB).toFixed(1)} MB`, ''],
        ],
      ),
    );
    const worstRss = Math.max(loaded.before.rss, afterAdds?.before.rss ?? 0);
    return [
      { row: 9, target: `add ${COUNT.toLocaleString('en')} paused transfers over the WebSocket < 1 s`, measured: range(adds, 's', 2), pass: median(adds) < 1 },
      { row: 9, target: `host memory with ${COUNT.toLocaleString('en')} transfers and no window <= 120 MB`, measured: `${(loaded.before.rss / MB).toFixed(0)} MB loaded, ${((afterAdds?.before.rss ?? 0) / MB).toFixed(0)} MB just added (empty: ${(empty.before.rss / MB).toFixed(0)} MB)`, pass: worstRss <= MEMORY_TARGET },
      { row: 9, target: `reopen the window with ${COUNT.toLocaleString('en')} transfers < ${REOPEN_TARGET_MS} ms to first rows`, measured: `${range(reopen.paints, 'ms', 0)}; page CPU ${median(reopen.cpu).toFixed(0)} ms`, pass: median(reopen.paints) < REOPEN_TARGET_MS },
    ];
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** A fresh host; 10,000 paused adds, timed; then its memory once every record has its own file and the UI left. */
export async function addAll(home: string): Promise<{ seconds: number; memory: MemoryReport }> {
  const dataDir = path.join(home, 'data');
  const serve = await startServe(home, dataDir);
  try {
    const client = await connectWire(serve);
    await client.firstMessageBytes;
    const started = performance.now();
    for (let offset = 0; offset < COUNT; offset += BATCH) {
      const urls = Array.from({ length: BATCH }, (_, i) => urlOf(offset + i));
      const reply = await client.call('addDownloads', { urls, directory: path.join(home, 'downloads'), paused: true });
      if (!reply.ok) throw new Error(`addDownloads failed: ${reply.error?.message}`);
    }
    const seconds = (performance.now() - started) / 1000;
    client.close();
    await waitForRecords(path.join(dataDir, 'transfers'), COUNT);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return { seconds, memory: await serve.memory() };
  } finally {
    await serve.stop();
  }
}

/** The host over `home`/data, no UI ever connected, after it settled. */
async function idleMemory(home: string): Promise<MemoryReport> {
  const serve = await startServe(home, path.join(home, 'data'));
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return await serve.memory();
  } finally {
    await serve.stop();
  }
}

export async function reopenTimes(home: string, loads: number): Promise<{ paints: number[]; cpu: number[]; snapshotBytes: number }> {
  const { chromium } = await import('@playwright/test');
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../e2e/support/chromium');
  if (!existsSync(path.resolve(import.meta.dirname, '..', 'dist', 'renderer', 'index.html'))) throw new Error('the renderer is not built: run npx vite build first');
  const serve = await startServe(home, path.join(home, 'data'));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const probe = await connectWire(serve);
    const snapshotBytes = await probe.firstMessageBytes;
    probe.close();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const paints: number[] = [];
    const cpu: number[] = [];
    // The first load fills the HTTP cache (the desktop window reads its bundle from disk); each
    // measured load is a fresh tab, like a window built again.
    for (let i = 0; i <= loads; i++) {
      const page = await context.newPage();
      // The page's main-thread CPU (less sensitive to a loaded machine than wall time), read just after the paint.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const threadTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0;
      const cpuBefore = await threadTime();
      await page.goto(serve.uiUrl.replace('/#', `/?load=${i}#`));
      const painted = await page.waitForFunction(() => (window as unknown as { __ferryListPainted?: unknown }).__ferryListPainted, undefined, { timeout: 60_000, polling: 16 });
      const cpuAfter = await threadTime();
      await cdp.detach();
      const { at, count } = (await painted.jsonValue()) as { at: number; count: number };
      if (count !== COUNT) throw new Error(`expected ${COUNT} rows' worth of transfers, the list had ${count}`);
      if (i > 0) paints.push(at);
      if (i > 0) cpu.push((cpuAfter - cpuBefore) * 1000);
      await page.close();
    }
    return { paints, cpu, snapshotBytes };
  } finally {
    await browser.close();
    await serve.stop();
  }
}

async function waitForRecords(dir: string, count: number): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < 120_000) {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.filter((n) => n.endsWith('.json')).length >= count && !names.some((n) => n.startsWith('batch-'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} records in ${dir} after 120 s`);
}
