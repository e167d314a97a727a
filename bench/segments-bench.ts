// Issue 9's segmented-download rows (BENCH_ONLY=segments), all against Debian's nginx on loopback:
//   (1) 1 GiB uncapped: ferry (default connections and -x1) vs curl, wall and CPU seconds
//   (2) 64 MiB with limit_rate 4m per connection: ferry (default, -x16) vs aria2c -x16 -s16 -k1M, curl
//   (4) peak RSS for 1 GiB and 4 GiB with 1 and 16 connections; CPU seconds per GiB vs curl
//   (6) `ferry get -x16` SIGKILLed twice, then finished: nginx's body bytes sent / file size
//   BENCH_SEG_BIG_MB=4096 the "4 GiB" file (row 4); BENCH_SEG_SKIP_BIG=1 skips it.
//   BENCH_SEG_ROWS=1,2,4,6 the rows to run (default all).
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../test-support/files';
import { bodyBytesSent, startNginx } from '../test-support/nginx';
import { aria2Get16, curlGet, ferryGet, nodeBaselineGet, type CommandLine } from './contenders';
import { BENCH_DIR, ensureFixture, type Fixture } from './fixtures';
import { median, mib, table, type Verdict } from './report';
import { measure, type Measurement } from './run-command';
import { settle } from './settle';

const MIB = 1024 * 1024;

export interface SegmentsBenchOptions {
  runs: number;
  /** Row 1's file (1 GiB by default). */
  size: number;
}

export type Line = (url: string, dir: string, name: string) => CommandLine;

export function ferryLine(connections?: number): Line {
  return (url, dir) => {
    const base = ferryGet(url, dir, path.join(dir, '..', 'ferry-data'));
    return { ...base, args: [...base.args, ...(connections ? ['--connections', String(connections)] : [])] };
  };
}

const curlLine: Line = (url, dir, name) => curlGet(url, path.join(dir, name));

/** Node's own floor on this machine (http.get piped into a file): what no Node program gets under. */
const NODE_FLOOR = 'node http.get (floor)';
const nodeLine: Line = (url, dir, name) => nodeBaselineGet(url, path.join(dir, name));

const aria2Line: Line = (url, dir, name) => aria2Get16(url, dir, name);

export async function segmentsBench(options: SegmentsBenchOptions): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  const work = path.join(BENCH_DIR, 'segments-work');
  const big = await ensureFixture(options.size);
  const capped = await ensureFixture(64 * MIB);
  const fixturesDir = path.dirname(big.path);
  const nginx = await startNginx({ root: fixturesDir });
  const slow = await startNginx({ root: fixturesDir, limitRate: '4m' });
  try {
    const rows = new Set((process.env.BENCH_SEG_ROWS ?? '1,2,4,6').split(',').map((r) => r.trim()));
    // Row 1: uncapped loopback.
    if (rows.has('1')) {
      const row1: Record<string, Measurement[]> = { 'ferry (default)': [], 'ferry -x1': [], [NODE_FLOOR]: [], curl: [] };
      const lines1: Record<string, Line> = { 'ferry (default)': ferryLine(), 'ferry -x1': ferryLine(1), [NODE_FLOOR]: nodeLine, curl: curlLine };
      for (let run = 0; run < options.runs; run++) {
        const order = Object.keys(lines1);
        if (run % 2) order.reverse();
        for (const who of order) row1[who]!.push(await fetchOnce(lines1[who]!, `${nginx.baseUrl}/${big.name}`, big, work, run === 0));
    }
    console.log(`\n(1) ${mib(big.size)} from nginx on 127.0.0.1, ${options.runs} runs (median)`);
    console.log(summaryTable(row1, 'curl', big.size));
    const ferryWall = median(row1['ferry (default)']!.map((m) => m.seconds));
    const curlWall = median(row1.curl!.map((m) => m.seconds));
    const ferryCpu = medianCpu(row1['ferry (default)']!);
    const curlCpu = medianCpu(row1.curl!);
    const floorWall = median(row1[NODE_FLOOR]!.map((m) => m.seconds));
    verdicts.push({
      target: `(1) ${mib(big.size)} loopback, wall ferry / curl <= 1.0`,
      measured: `${ferryWall.toFixed(2)} s / ${curlWall.toFixed(2)} s = ${(ferryWall / curlWall).toFixed(2)} (Node's floor / curl = ${(floorWall / curlWall).toFixed(2)})`,
      pass: ferryWall / curlWall <= 1.0,
    });
    verdicts.push({
      target: `(1) ${mib(big.size)} loopback, CPU seconds ferry / curl <= 1.3`,
      measured: ferryCpu && curlCpu ? `${ferryCpu.toFixed(2)} s / ${curlCpu.toFixed(2)} s = ${(ferryCpu / curlCpu).toFixed(2)}` : 'n/a',
      pass: ferryCpu && curlCpu ? ferryCpu / curlCpu <= 1.3 : null,
    });

    }
    // Row 2: per-connection cap.
    if (rows.has('2')) {
      const row2: Record<string, Measurement[]> = { 'ferry (default)': [], 'ferry -x16': [], 'aria2c -x16 -s16 -k1M': [], curl: [] };
      const lines2: Record<string, Line> = { 'ferry (default)': ferryLine(), 'ferry -x16': ferryLine(16), 'aria2c -x16 -s16 -k1M': aria2Line, curl: curlLine };
      for (let run = 0; run < options.runs; run++) {
        const order = Object.keys(lines2);
        if (run % 2) order.reverse();
        for (const who of order) row2[who]!.push(await fetchOnce(lines2[who]!, `${slow.baseUrl}/${capped.name}`, capped, work, run === 0));
    }
    console.log(`\n(2) ${mib(capped.size)} from nginx with limit_rate 4m per connection, ${options.runs} runs (median)`);
    console.log(summaryTable(row2, 'aria2c -x16 -s16 -k1M', capped.size));
    const aria = median(row2['aria2c -x16 -s16 -k1M']!.map((m) => m.seconds));
    for (const who of ['ferry (default)', 'ferry -x16']) {
      const wall = median(row2[who]!.map((m) => m.seconds));
      const ratio = wall / aria;
      verdicts.push({ target: `(2) 64 MiB at 4m/connection, wall ${who} / aria2c -x16 <= 0.9`, measured: `${wall.toFixed(2)} s / ${aria.toFixed(2)} s = ${ratio.toFixed(2)}`, pass: ratio <= 0.9 });
    }

    }
    // Row 4: memory flat with size, for 1 and 16 connections.
    if (rows.has('4')) {
      const sizes = [big];
      if (process.env.BENCH_SEG_SKIP_BIG !== '1') sizes.push(await ensureFixture(Number(process.env.BENCH_SEG_BIG_MB ?? 4096) * MIB));
      const row4: string[][] = [];
      let worstRss = 0;
      for (const fixture of sizes) {
        const curl = await fetchOnce(curlLine, `${nginx.baseUrl}/${fixture.name}`, fixture, work, false);
        for (const connections of [1, 16]) {
          const m = await fetchOnce(ferryLine(connections), `${nginx.baseUrl}/${fixture.name}`, fixture, work, false);
          worstRss = Math.max(worstRss, m.peakRss ?? 0);
          const gib = fixture.size / 1024 ** 3;
          row4.push([
            `${mib(fixture.size)}, ${connections} conn`,
            `${m.seconds.toFixed(2)} s`,
            mib(m.peakRss),
            m.cpuSeconds === null ? 'n/a' : `${(m.cpuSeconds / gib).toFixed(2)} s/GiB`,
            curl.cpuSeconds === null ? 'n/a' : `${(curl.cpuSeconds / gib).toFixed(2)} s/GiB`,
          ]);
        }
    }
    // On uncapped loopback one connection is as fast as sixteen, so the ramp goes back to one;
    // with a per-connection cap all sixteen stay open: that is where their memory shows.
    for (const fixture of sizes) {
      const m = await fetchOnce(ferryLine(16), `${slow.baseUrl}/${fixture.name}`, fixture, work, false);
      worstRss = Math.max(worstRss, m.peakRss ?? 0);
      row4.push([`${mib(fixture.size)}, 16 conn, 4m cap each`, `${m.seconds.toFixed(2)} s`, mib(m.peakRss), m.cpuSeconds === null ? 'n/a' : `${(m.cpuSeconds / (fixture.size / 1024 ** 3)).toFixed(2)} s/GiB`, '']);
    }
    console.log('\n(4) peak memory and CPU per GiB (one run each; uncapped nginx unless noted)');
    console.log(table(['ferry get', 'wall', 'peak RSS', 'ferry CPU', 'curl CPU'], row4));
    verdicts.push({ target: '(4) ferry peak RSS <= 100 MB (1 and 16 connections, every size)', measured: `${(worstRss / 1e6).toFixed(1)} MB`, pass: worstRss > 0 ? worstRss <= 100e6 : null });
    }
  } finally {
    await nginx.stop();
    await slow.stop();
  }

  // Row 6: two SIGKILLs.
  if (process.env.BENCH_SEG_ROWS === undefined || process.env.BENCH_SEG_ROWS.split(',').includes('6')) verdicts.push(await killTwiceRow(work));
  await rm(work, { recursive: true, force: true });
  return verdicts;
}

export async function fetchOnce(line: Line, url: string, fixture: Fixture, work: string, verifyHash: boolean): Promise<Measurement> {
  await rm(work, { recursive: true, force: true });
  const dir = path.join(work, 'out');
  await mkdir(dir, { recursive: true });
  const { command, args } = line(url, dir, fixture.name);
  await settle();
  const result = await measure(command, args);
  if (result.exitCode !== 0) throw new Error(`${command} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const target = path.join(dir, fixture.name);
  const size = (await stat(target)).size;
  if (size !== fixture.size) throw new Error(`${command} wrote ${size} bytes, expected ${fixture.size}`);
  if (verifyHash && (await sha256File(target)) !== fixture.sha256) throw new Error(`${command}: the file differs from the original`);
  await rm(work, { recursive: true, force: true });
  return result;
}

function medianCpu(runs: readonly Measurement[]): number | null {
  const values = runs.flatMap((m) => (m.cpuSeconds === null ? [] : [m.cpuSeconds]));
  return values.length ? median(values) : null;
}

export function summaryTable(rows: Record<string, Measurement[]>, reference: string, size: number): string {
  const refWall = median(rows[reference]!.map((m) => m.seconds));
  return table(
    ['', 'wall', `wall / ${reference}`, 'CPU (user+sys)', 'peak RSS', 'speed'],
    Object.entries(rows).map(([who, runs]) => {
      const wall = median(runs.map((m) => m.seconds));
      const cpu = medianCpu(runs);
      return [
        who,
        `${wall.toFixed(2)} s`,
        (wall / refWall).toFixed(2),
        cpu === null ? 'n/a' : `${cpu.toFixed(2)} s`,
        mib(Math.max(...runs.map((m) => m.peakRss ?? 0)) || null),
        `${(size / MIB / wall).toFixed(0)} MiB/s`,
      ];
    }),
  );
}

/**
 * 512 MiB at limit_rate 1m per connection (16 MiB/s with 16, about 32 s): ferry is killed with SIGKILL at
 * about 30% and 60%, then run to the end. nginx's access log says how many body bytes it sent.
 * A kill loses a roughly fixed amount (up to 100 ms of checkpoint lag, plus what nginx had pushed
 * into socket buffers: limit_rate lets each connection send a second's worth ahead), so the ratio
 * falls with the file size; 256 MiB gave 1.125 in a run on a loaded machine.
 */
async function killTwiceRow(work: string): Promise<Verdict> {
  const fixture = await ensureFixture(512 * MIB);
  const nginx = await startNginx({ root: path.dirname(fixture.path), limitRate: '1m' });
  try {
    await rm(work, { recursive: true, force: true });
    const dir = path.join(work, 'out');
    await mkdir(dir, { recursive: true });
    const url = `${nginx.baseUrl}/${fixture.name}`;
    const { command, args } = ferryLine(16)(url, dir, fixture.name);
    await settle();
    for (const fraction of [0.3, 0.6]) {
      const child = spawn(command, args, { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // nginx logs a response only when it ends; progress is read from the blocks ferry wrote.
      while ((await allocatedBytes(dir)) < fixture.size * fraction) {
        if (child.exitCode !== null) throw new Error('ferry ended before it was killed');
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      await exited;
    }
    const last = await measure(command, args);
    if (last.exitCode !== 0) throw new Error(`ferry failed after the kills: ${last.stderr.trim()}`);
    if ((await sha256File(path.join(dir, fixture.name))) !== fixture.sha256) throw new Error('ferry: the file differs after two SIGKILLs');
    await new Promise((r) => setTimeout(r, 300)); // nginx logs aborted responses as it notices them
    const ratio = (await bodyBytesSent(nginx, `/${fixture.name}`)) / fixture.size;
    console.log(`\n(6) ferry get -x16, ${mib(fixture.size)} at 1m per connection, SIGKILL at ~30% and ~60%: nginx sent ${ratio.toFixed(3)}x the file`);
    return { target: '(6) bytes sent / file size after two SIGKILLs of ferry get -x16 <= 1.1', measured: ratio.toFixed(3), pass: ratio <= 1.1 };
  } finally {
    await nginx.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Bytes on disk in `dir`: allocated blocks, not sizes (the .part is sparse until written). */
async function allocatedBytes(dir: string): Promise<number> {
  let sum = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const s = await stat(path.join(dir, name)).catch(() => undefined);
    if (s) sum += s.blocks * 512;
  }
  return sum;
}
