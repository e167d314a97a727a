// Issue 17's rows (BENCH_ONLY=defaults): `ferry get` with its defaults and no flags, as users run
// it, against aria2c as download managers are told to run it (-x16 -s16 -k1M) and Debian's axel
// (-n 16), on 256 MiB from nginx on loopback, side by side in one run:
//   (7) nginx capping every connection at 4 MiB/s: ferry / aria2c <= 1.05 (16 capped connections
//       are the physical limit: 64 MiB/s, 4 s)
//   (8) nginx where every fifth connection is 16x slower (256 KiB/s, the others 4 MiB/s): ferry /
//       aria2c <= 0.8 (a split that follows the speeds beats pieces handed out in order)
//   BENCH_DEFAULTS_MB=256 the file; BENCH_DEFAULTS_ROWS=7,8 the rows to run.
import path from 'node:path';
import { startNginx, UNEVEN_RATE_MAP, type NginxServer } from '../test-support/nginx';
import { aria2Get16, axelGet } from './contenders';
import { BENCH_DIR, ensureFixture, type Fixture } from './fixtures';
import { median, mib, table, type Verdict } from './report';
import type { Measurement } from './run-command';
import { fetchOnce, ferryLine, summaryTable, type Line } from './segments-bench';

const MIB = 1024 * 1024;
const FERRY = 'ferry (defaults, no flags)';
const ARIA2 = 'aria2c -x16 -s16 -k1M';
const AXEL = 'axel -n 16';

const LINES: Record<string, Line> = {
  [FERRY]: ferryLine(),
  [ARIA2]: (url, dir, name) => aria2Get16(url, dir, name),
  [AXEL]: (url, dir, name) => axelGet(url, path.join(dir, name)),
};

interface Row {
  number: 7 | 8;
  title: string;
  target: number;
  start(root: string): Promise<NginxServer>;
}

const ROWS: Row[] = [
  { number: 7, title: 'limit_rate 4m on every connection', target: 1.05, start: (root) => startNginx({ root, limitRate: '4m' }) },
  {
    number: 8,
    title: 'every fifth connection 16x slower (256k, the others 4m)',
    target: 0.8,
    start: (root) => startNginx({ root, limitRate: '$rate', httpConfig: UNEVEN_RATE_MAP }),
  },
];

export async function defaultsBench(options: { runs: number }): Promise<Verdict[]> {
  const fixture = await ensureFixture(Number(process.env.BENCH_DEFAULTS_MB ?? 256) * MIB);
  const chosen = new Set((process.env.BENCH_DEFAULTS_ROWS ?? '7,8').split(',').map((r) => r.trim()));
  const verdicts: Verdict[] = [];
  for (const row of ROWS.filter((r) => chosen.has(String(r.number)))) verdicts.push(await runRow(row, fixture, options.runs));
  return verdicts;
}

async function runRow(row: Row, fixture: Fixture, runs: number): Promise<Verdict> {
  const work = path.join(BENCH_DIR, 'defaults-work');
  const nginx = await row.start(path.dirname(fixture.path));
  const perRun: Record<string, (Measurement | null)[]> = Object.fromEntries(Object.keys(LINES).map((who) => [who, []]));
  const failures: string[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      // Alternating order, so that no contender always runs on the warmer (or busier) machine.
      const order = Object.keys(LINES);
      if (run % 2) order.reverse();
      for (const who of order) {
        try {
          perRun[who]!.push(await fetchOnce(LINES[who]!, `${nginx.baseUrl}/${fixture.name}`, fixture, work, run === 0));
        } catch (error) {
          // A peer that crashes (Debian's axel 2.17 segfaults now and then) loses that run, not the bench.
          if (who === FERRY) throw error;
          perRun[who]!.push(null);
          failures.push(`run ${run + 1}, ${who}: ${(error as Error).message.split('\n')[0]}`);
        }
      }
    }
  } finally {
    await nginx.stop();
  }
  const results = Object.fromEntries(Object.entries(perRun).map(([who, runs]) => [who, runs.filter((m): m is Measurement => m !== null)]));
  console.log(`\n(${row.number}) ${mib(fixture.size)} from nginx, ${row.title}, ${runs} runs (median)`);
  console.log(summaryTable(results, ARIA2, fixture.size));
  console.log(perRunTable(perRun));
  for (const failure of failures) console.log(`failed (left out of the medians): ${failure}`);
  const ferry = median(results[FERRY]!.map((m) => m.seconds));
  const aria = median(results[ARIA2]!.map((m) => m.seconds));
  const axel = median(results[AXEL]!.map((m) => m.seconds));
  const ratio = ferry / aria;
  return {
    row: row.number,
    target: `${mib(fixture.size)}, ${row.title}: wall ferry (defaults) / aria2c -x16 -s16 -k1M <= ${row.target}`,
    measured: `${ferry.toFixed(2)} s / ${aria.toFixed(2)} s = ${ratio.toFixed(2)} (axel -n 16: ${axel.toFixed(2)} s, ferry / axel = ${(ferry / axel).toFixed(2)})`,
    pass: ratio <= row.target,
  };
}

function perRunTable(results: Record<string, (Measurement | null)[]>): string {
  const who = Object.keys(results);
  const runs = results[who[0]!]!.length;
  return table(
    ['wall per run', ...who],
    Array.from({ length: runs }, (_, i) => [`run ${i + 1}`, ...who.map((w) => (results[w]![i] ? `${results[w]![i]!.seconds.toFixed(2)} s` : 'failed'))]),
  );
}
