// Issue 2's benchmark: a 1 GiB file from nginx on loopback, fetched by `ferry get` and by curl
// in alternating order (aria2c -x1 for reference), then a smaller file to show ferry's memory
// does not grow with the file size.
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../test-support/files';
import { startNginx } from '../test-support/nginx';
import { aria2Get, curlGet, ferryGet, nodeBaselineGet, type CommandLine } from './contenders';
import { BENCH_DIR, ensureFixture, type Fixture } from './fixtures';
import { cpu, median, mib, pairedRatio, rate, table, type Verdict } from './report';
import { measure, type Measurement } from './run-command';
import { settle } from './settle';

export interface DownloadBenchOptions {
  runs: number;
  size: number;
  smallSize: number;
}

const RATIO_TARGET = 1.2;
const RSS_TARGET = 120 * 1000 * 1000;

export async function downloadBench(options: DownloadBenchOptions): Promise<Verdict[]> {
  const big = await ensureFixture(options.size);
  const small = await ensureFixture(options.smallSize);
  const nginx = await startNginx({ root: path.dirname(big.path) });
  const work = path.join(BENCH_DIR, 'download-work');
  try {
    const rows: string[][] = [];
    const ferry: Measurement[] = [];
    const curl: Measurement[] = [];
    const aria: Measurement[] = [];
    const node: Measurement[] = [];
    for (let run = 0; run < options.runs; run++) {
      const order = run % 2 === 0 ? (['ferry', 'curl'] as const) : (['curl', 'ferry'] as const);
      const results: Partial<Record<Contender, Measurement>> = {};
      for (const who of [...order, 'aria2c', 'node'] as const) {
        results[who] = await downloadOnce(who, `${nginx.baseUrl}/${big.name}`, big, work, run === 0 && who === 'ferry');
      }
      ferry.push(results.ferry!);
      curl.push(results.curl!);
      aria.push(results.aria2c!);
      node.push(results.node!);
      rows.push([
        `run ${run + 1}`,
        `${results.ferry!.seconds.toFixed(2)} s`,
        `${results.curl!.seconds.toFixed(2)} s`,
        `${results.aria2c!.seconds.toFixed(2)} s`,
        `${results.node!.seconds.toFixed(2)} s`,
        (results.ferry!.seconds / results.curl!.seconds).toFixed(2),
        mib(results.ferry!.peakRss),
      ]);
      process.stdout.write(`  download run ${run + 1}/${options.runs} done\n`);
    }
    const smallRun = await downloadOnce('ferry', `${nginx.baseUrl}/${small.name}`, small, work, true);
    const ratio = median(ferry.map((m) => m.seconds)) / median(curl.map((m) => m.seconds));
    const paired = pairedRatio(ferry, curl);
    const peakBig = Math.max(...ferry.map((m) => m.peakRss ?? 0)) || null;
    rows.push([
      'median',
      `${median(ferry.map((m) => m.seconds)).toFixed(2)} s`,
      `${median(curl.map((m) => m.seconds)).toFixed(2)} s`,
      `${median(aria.map((m) => m.seconds)).toFixed(2)} s`,
      `${median(node.map((m) => m.seconds)).toFixed(2)} s`,
      ratio.toFixed(2),
      `max ${mib(peakBig)}`,
    ]);
    console.log(`\nDownload ${mib(big.size)} from nginx on 127.0.0.1 (${options.runs} runs, alternating ferry/curl)`);
    console.log(table(['', 'ferry get', 'curl -o', 'aria2c -x1', 'node pipe*', 'ferry/curl', 'ferry peak RSS'], rows));
    console.log(
      '* node pipe: bench/node-baseline.mjs, http.get piped into fs.createWriteStream, no fsync: untuned Node. ' +
        'ferry also fsyncs every 32 MiB and at the end (curl and node pipe leave 1 GiB of dirty page cache), ' +
        'but writes in 1 MiB batches where a plain pipe writes many single socket chunks.',
    );
    console.log(
      `ferry median speed ${rate(big.size, median(ferry.map((m) => m.seconds)))}, curl ${rate(big.size, median(curl.map((m) => m.seconds)))}; ` +
        `ferry peak RSS for ${mib(small.size)}: ${mib(smallRun.peakRss)}, for ${mib(big.size)}: ${mib(peakBig)}`,
    );
    console.log(`CPU used (median, user + system): ferry ${cpu(ferry)}, curl ${cpu(curl)}, aria2c ${cpu(aria)}, node pipe ${cpu(node)}`);
    return [
      {
        target: `download time ferry/curl <= ${RATIO_TARGET}`,
        measured: `median ferry / median curl = ${ratio.toFixed(2)} (median of per-run ratios ${paired.toFixed(2)})`,
        pass: ratio <= RATIO_TARGET,
      },
      {
        target: `ferry get peak RSS < ${RSS_TARGET / 1e6} MB`,
        measured: `${((peakBig ?? 0) / 1e6).toFixed(1)} MB (${mib(peakBig)})`,
        pass: peakBig === null ? null : peakBig < RSS_TARGET,
      },
      rssGrowthVerdict(small, smallRun.peakRss, big, peakBig),
    ];
  } finally {
    await nginx.stop();
    await rm(work, { recursive: true, force: true });
  }
}

type Contender = 'ferry' | 'curl' | 'aria2c' | 'node';

async function downloadOnce(
  who: Contender,
  url: string,
  fixture: Fixture,
  work: string,
  verifyHash: boolean,
): Promise<Measurement> {
  const dir = path.join(work, who);
  await rm(work, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, fixture.name);
  const lines: Record<Contender, () => CommandLine> = {
    ferry: () => ferryGet(url, dir, path.join(work, 'ferry-data')),
    curl: () => curlGet(url, target),
    aria2c: () => aria2Get(url, dir, fixture.name),
    node: () => nodeBaselineGet(url, target),
  };
  const line = lines[who]();
  await settle();
  const result = await measure(line.command, line.args);
  if (result.exitCode !== 0) throw new Error(`${who} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const size = (await stat(target)).size;
  if (size !== fixture.size) throw new Error(`${who} wrote ${size} bytes, expected ${fixture.size}`);
  if (verifyHash && (await sha256File(target)) !== fixture.sha256) throw new Error(`${who}: downloaded file differs from the original`);
  await rm(work, { recursive: true, force: true });
  return result;
}

/** Memory must not scale with the file: allow 20% or 10 MB of noise over the small file's peak. */
function rssGrowthVerdict(small: Fixture, smallPeak: number | null, big: Fixture, bigPeak: number | null): Verdict {
  const target = `ferry get peak RSS does not grow with size (${mib(small.size)} vs ${mib(big.size)})`;
  if (smallPeak === null || bigPeak === null) return { target, measured: 'n/a', pass: null };
  const allowed = Math.max(smallPeak * 1.2, smallPeak + 10e6);
  return { target, measured: `${mib(smallPeak)} -> ${mib(bigPeak)}`, pass: bigPeak <= allowed };
}
