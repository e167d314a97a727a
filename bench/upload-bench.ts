// Row 3 of the benchmark (issue 9): a 1 GiB file PUT to nginx WebDAV on loopback by `ferry put`
// (its staged copy, made while it is sent, and SHA-256 included in its time and CPU) and by
// `curl -T`, in rotating order; wall time and CPU seconds, since on a shared machine CPU is the
// steadier figure. Two references show where the time goes: plain Node streaming the file (no
// staging), and `cp` + `curl -T` of the copy (a staged copy made before sending, by native tools).
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../test-support/files';
import { startNginx, type NginxServer } from '../test-support/nginx';
import { curlPut, ferryPut, nodeBaselinePut, stagedCurlPut } from './contenders';
import { BENCH_DIR, ensureFixture, type Fixture } from './fixtures';
import { cpu, median, mib, pairedRatio, rate, table, type Verdict } from './report';
import { measure, type Measurement } from './run-command';
import { settle } from './settle';

const RATIO_TARGET = 1.3;

const CONTENDERS = ['ferry', 'curl', 'node', 'cp+curl'] as const;
type Contender = (typeof CONTENDERS)[number];

export async function uploadBench(options: { runs: number; size: number }): Promise<Verdict[]> {
  const fixture = await ensureFixture(options.size);
  const nginx = await startNginx({ dav: true });
  const dataDir = path.join(BENCH_DIR, 'upload-data');
  try {
    const rows: string[][] = [];
    const results = Object.fromEntries(CONTENDERS.map((who) => [who, [] as Measurement[]])) as Record<Contender, Measurement[]>;
    for (let run = 0; run < options.runs; run++) {
      // Rotate the order so no contender always follows the same one.
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + run) % CONTENDERS.length]!);
      for (const who of order) results[who].push(await uploadOnce(who, nginx, fixture, dataDir, run));
      const [ferry, curl] = [results.ferry[run]!, results.curl[run]!];
      rows.push([
        `run ${run + 1}`,
        ...CONTENDERS.map((who) => `${results[who][run]!.seconds.toFixed(2)} s`),
        (ferry.seconds / curl.seconds).toFixed(2),
        cpuText(ferry.cpuSeconds),
        cpuText(curl.cpuSeconds),
        mib(ferry.peakRss),
      ]);
      process.stdout.write(`  upload run ${run + 1}/${options.runs} done\n`);
    }
    const medians = Object.fromEntries(CONTENDERS.map((who) => [who, median(results[who].map((m) => m.seconds))])) as Record<Contender, number>;
    const ratio = medians.ferry / medians.curl;
    const cpuMedians = Object.fromEntries(
      CONTENDERS.map((who) => [who, median(results[who].flatMap((m) => (m.cpuSeconds === null ? [] : [m.cpuSeconds])))]),
    ) as Record<Contender, number>;
    rows.push([
      'median',
      ...CONTENDERS.map((who) => `${medians[who].toFixed(2)} s`),
      ratio.toFixed(2),
      cpuText(cpuMedians.ferry),
      cpuText(cpuMedians.curl),
      `max ${mib(Math.max(...results.ferry.map((m) => m.peakRss ?? 0)) || null)}`,
    ]);
    console.log(`\nUpload ${mib(fixture.size)} to nginx WebDAV on 127.0.0.1 (${options.runs} runs, rotating order)`);
    console.log(table(['', 'ferry put', 'curl -T', 'node PUT', 'cp + curl -T', 'ferry/curl', 'ferry CPU', 'curl CPU', 'ferry peak RSS'], rows));
    console.log(
      '* node PUT: bench/node-baseline-put.mjs, a read stream piped into http.request, no staging. ' +
        'cp + curl -T: a staged copy made by cp, then sent by curl.',
    );
    console.log(`ferry median speed ${rate(fixture.size, medians.ferry)} (staging copy and SHA-256 included), curl ${rate(fixture.size, medians.curl)}`);
    console.log(`CPU used (median, user + system): ${CONTENDERS.map((who) => `${who} ${cpu(results[who])}`).join(', ')}`);
    // curl's own CPU leaves out nginx's; ferry's includes writing the staged copy, which curl never makes.
    console.log(`CPU ferry/curl ${(cpuMedians.ferry / cpuMedians.curl).toFixed(1)}x; CPU ferry/(cp + curl -T) ${(cpuMedians.ferry / cpuMedians['cp+curl']).toFixed(2)}x`);
    const paired = pairedRatio(results.ferry, results.curl);
    return [
      {
        row: 3,
        target: `upload ${mib(fixture.size)} to nginx WebDAV, wall ferry put / curl -T <= ${RATIO_TARGET}`,
        measured: `median ferry / median curl = ${ratio.toFixed(2)} (median of per-run ratios ${paired.toFixed(2)}; cp + curl -T / curl = ${(medians['cp+curl'] / medians.curl).toFixed(2)})`,
        pass: ratio <= RATIO_TARGET,
      },
    ];
  } finally {
    await nginx.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function cpuText(seconds: number | null): string {
  return seconds === null || Number.isNaN(seconds) ? 'n/a' : `${seconds.toFixed(2)} s`;
}

function commandFor(who: Contender, file: string, url: string, dataDir: string) {
  if (who === 'ferry') return ferryPut(file, url, dataDir);
  if (who === 'node') return nodeBaselinePut(file, url);
  if (who === 'cp+curl') return stagedCurlPut(file, path.join(dataDir, 'staged.bin'), url);
  return curlPut(file, url);
}

async function uploadOnce(who: Contender, nginx: NginxServer, fixture: Fixture, dataDir: string, run: number): Promise<Measurement> {
  const name = `${who.replace('+', '-')}-${run}.bin`;
  const url = `${nginx.baseUrl}/${name}`;
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const line = commandFor(who, fixture.path, url, dataDir);
  await settle();
  const result = await measure(line.command, line.args);
  if (result.exitCode !== 0) throw new Error(`${who} put failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const landed = path.join(nginx.root, name);
  const size = (await stat(landed)).size;
  if (size !== fixture.size) throw new Error(`${who} uploaded ${size} bytes, expected ${fixture.size}`);
  if (run === 0 && (await sha256File(landed)) !== fixture.sha256) throw new Error(`${who}: uploaded file differs from the original`);
  await rm(landed, { force: true });
  return result;
}
