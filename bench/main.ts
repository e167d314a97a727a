// `npm run bench`: issue 9's benchmark rows 1-6 on loopback (ferry against curl, aria2c and
// `curl -T`, measured side by side in this run), ending with ONE table of every row, its target
// and PASS/MISS, with the machine and its load. A full run rewrites that table in
// docs/benchmarks.md. Not part of `npm test`. A full run takes about 6-10 minutes.
//   BENCH_RUNS=3        measured runs per contender (alternating order), medians reported
//   BENCH_SIZE_MB=1024  the big file (rows 1, 3, 4)
//   BENCH_SEG_BIG_MB=4096 / BENCH_SEG_SKIP_BIG=1  row 4's large file; BENCH_SEG_ROWS=1,2,4,6
//   BENCH_QUEUE=10000   transfers in row 5 (added in calls of 1,000)
//   BENCH_ONLY=segments|upload|queue|stream|defaults|tray  one part only (rows 1,2,4,6 | 3 | 5 | stream | 7,8 | 9): printed, docs untouched
//   BENCH_ONLY=download|renderer      the older benchmarks (issue 2's download, the renderer's)
import { defaultsBench } from './defaults-bench';
import { downloadBench } from './download-bench';
import { describeMachine, loadText } from './machine';
import { queueBench } from './queue-bench';
import { segmentsBench } from './segments-bench';
import { streamBench } from './stream-bench';
import { trayBench } from './tray-bench';
import { machineLine, summaryText, writeDoc, DOC_PATH } from './summary';
import type { Verdict } from './report';
import { uploadBench } from './upload-bench';

const MIB = 1024 * 1024;
const PARTS = ['segments', 'upload', 'queue', 'stream', 'defaults', 'tray', 'download', 'renderer'];

function intEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Everything printed, kept for docs/benchmarks.md's details. */
function recordOutput(): () => string {
  const lines: string[] = [];
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    log(...args);
  };
  return () => lines.join('\n');
}

async function main(): Promise<void> {
  const runs = intEnv('BENCH_RUNS', 3);
  const size = intEnv('BENCH_SIZE_MB', 1024) * MIB;
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && !PARTS.includes(only)) throw new Error(`BENCH_ONLY must be one of ${PARTS.join(', ')}`);
  const machine = describeMachine();
  const output = recordOutput();
  console.log(`ferry bench: ${runs} runs; ${machineLine(machine, '(see the end)')}`);
  const verdicts: Verdict[] = [];
  if (!only || only === 'segments') verdicts.push(...(await segmentsBench({ runs, size })));
  if (!only || only === 'upload') verdicts.push(...(await uploadBench({ runs, size })));
  if (!only || only === 'queue') verdicts.push(...(await queueBench({ transfers: intEnv('BENCH_QUEUE', 10_000), batch: 1000 })));
  if (!only || only === 'stream') verdicts.push(...(await streamBench({ runs })));
  if (!only || only === 'defaults') verdicts.push(...(await defaultsBench({ runs })));
  // Row 9 (issue 20's tray, issue 16's adds): needs the renderer built (npx vite build).
  if (!only || only === 'tray') verdicts.push(...(await trayBench({ runs })));
  if (only === 'download') verdicts.push(...(await downloadBench({ runs, size, smallSize: intEnv('BENCH_SMALL_MB', 256) * MIB })));
  if (only === 'renderer') {
    // Loaded only when asked for: it starts Chromium (bench/renderer-bench.ts, the renderer's own).
    const { runRendererBench } = await import('./renderer-bench');
    verdicts.push(...(await runRendererBench()));
  }
  const loadAtEnd = loadText();
  console.log(`\nSummary (${runs} runs each where timed; load average at start ${machine.loadAtStart}, at end ${loadAtEnd}, on ${machine.cores} cores)`);
  console.log(summaryText(verdicts));
  if (!only) {
    const settings = `BENCH_RUNS=${runs}, BENCH_SIZE_MB=${size / MIB}, BENCH_SEG_BIG_MB=${process.env.BENCH_SEG_SKIP_BIG === '1' ? 'skipped' : (process.env.BENCH_SEG_BIG_MB ?? 4096)}, BENCH_QUEUE=${process.env.BENCH_QUEUE ?? 10000}`;
    await writeDoc(verdicts, machine, loadAtEnd, settings, output());
    console.log(`\nwritten to ${DOC_PATH}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
