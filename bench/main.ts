// `npm run bench`: ferry against curl (and aria2c) on loopback nginx. Not part of `npm test`.
//   BENCH_RUNS=3        measured runs per contender (alternating order)
//   BENCH_SIZE_MB=1024  the big file; BENCH_SMALL_MB=256 the file that shows RSS does not grow
//   BENCH_ONLY=download|upload|renderer|segments|queue
//   BENCH_QUEUE=10000   transfers in the queue benchmark (added in calls of 1,000)
import os from 'node:os';
import { downloadBench } from './download-bench';
import { queueBench } from './queue-bench';
import { segmentsBench } from './segments-bench';
import { verdictLine, type Verdict } from './report';
import { uploadBench } from './upload-bench';

const MIB = 1024 * 1024;

function intEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const runs = intEnv('BENCH_RUNS', 3);
  const size = intEnv('BENCH_SIZE_MB', 1024) * MIB;
  const smallSize = intEnv('BENCH_SMALL_MB', 256) * MIB;
  const only = process.env.BENCH_ONLY;
  console.log(`ferry bench: ${runs} runs, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  const verdicts: Verdict[] = [];
  if (!only || only === 'download') verdicts.push(...(await downloadBench({ runs, size, smallSize })));
  if (!only || only === 'upload') verdicts.push(...(await uploadBench({ runs, size })));
  if (!only || only === 'segments') verdicts.push(...(await segmentsBench({ runs, size })));
  if (!only || only === 'queue') verdicts.push(...(await queueBench({ transfers: intEnv('BENCH_QUEUE', 10_000), batch: 1000 })));
  if (!only || only === 'renderer') {
    // Loaded only when asked for: it starts Chromium (bench/renderer-bench.ts, the renderer's own).
    const { runRendererBench } = await import('./renderer-bench');
    console.log('');
    verdicts.push(...(await runRendererBench()));
  }
  console.log('');
  const load = os.loadavg()[0]!;
  if (load > os.cpus().length) {
    console.log(`note: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs: other work shares the machine, timings are noisy.`);
  }
  for (const verdict of verdicts) console.log(verdictLine(verdict));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
