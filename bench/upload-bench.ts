// Issue 3's benchmark: a 1 GiB file PUT to nginx WebDAV on loopback by `ferry put` (its staged
// copy included in its time) and by `curl -T`, alternating.
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../test-support/files';
import { startNginx, type NginxServer } from '../test-support/nginx';
import { curlPut, ferryPut } from './contenders';
import { BENCH_DIR, ensureFixture, type Fixture } from './fixtures';
import { cpu, median, mib, pairedRatio, rate, table, type Verdict } from './report';
import { measure, type Measurement } from './run-command';
import { settle } from './settle';

const RATIO_TARGET = 1.3;

export async function uploadBench(options: { runs: number; size: number }): Promise<Verdict[]> {
  const fixture = await ensureFixture(options.size);
  const nginx = await startNginx({ dav: true });
  const dataDir = path.join(BENCH_DIR, 'upload-data');
  try {
    const rows: string[][] = [];
    const ferry: Measurement[] = [];
    const curl: Measurement[] = [];
    for (let run = 0; run < options.runs; run++) {
      const order = run % 2 === 0 ? (['ferry', 'curl'] as const) : (['curl', 'ferry'] as const);
      const results: Partial<Record<'ferry' | 'curl', Measurement>> = {};
      for (const who of order) results[who] = await uploadOnce(who, nginx, fixture, dataDir, run);
      ferry.push(results.ferry!);
      curl.push(results.curl!);
      rows.push([
        `run ${run + 1}`,
        `${results.ferry!.seconds.toFixed(2)} s`,
        `${results.curl!.seconds.toFixed(2)} s`,
        (results.ferry!.seconds / results.curl!.seconds).toFixed(2),
        mib(results.ferry!.peakRss),
      ]);
      process.stdout.write(`  upload run ${run + 1}/${options.runs} done\n`);
    }
    const ferryMedian = median(ferry.map((m) => m.seconds));
    const curlMedian = median(curl.map((m) => m.seconds));
    const ratio = ferryMedian / curlMedian;
    rows.push(['median', `${ferryMedian.toFixed(2)} s`, `${curlMedian.toFixed(2)} s`, ratio.toFixed(2), `max ${mib(Math.max(...ferry.map((m) => m.peakRss ?? 0)) || null)}`]);
    console.log(`\nUpload ${mib(fixture.size)} to nginx WebDAV on 127.0.0.1 (${options.runs} runs, alternating ferry/curl)`);
    console.log(table(['', 'ferry put', 'curl -T', 'ferry/curl', 'ferry peak RSS'], rows));
    console.log(`ferry median speed ${rate(fixture.size, ferryMedian)} (staging copy included), curl ${rate(fixture.size, curlMedian)}`);
    console.log(`CPU used (median, user + system): ferry ${cpu(ferry)}, curl ${cpu(curl)}`);
    const paired = pairedRatio(ferry, curl);
    return [
      {
        target: `upload time ferry/curl <= ${RATIO_TARGET}`,
        measured: `median ferry / median curl = ${ratio.toFixed(2)} (median of per-run ratios ${paired.toFixed(2)})`,
        pass: ratio <= RATIO_TARGET,
      },
    ];
  } finally {
    await nginx.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function uploadOnce(who: 'ferry' | 'curl', nginx: NginxServer, fixture: Fixture, dataDir: string, run: number): Promise<Measurement> {
  const name = `${who}-${run}.bin`;
  const url = `${nginx.baseUrl}/${name}`;
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const line = who === 'ferry' ? ferryPut(fixture.path, url, dataDir) : curlPut(fixture.path, url);
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
