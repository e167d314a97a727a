// Loaded into `ferry serve` by the tray bench (NODE_OPTIONS=--require): on SIGUSR2 the process
// writes its memory to $FERRY_BENCH_MEMORY_DIR/<pid>.json, as it was and after a full GC, and a
// heap snapshot beside it when FERRY_BENCH_HEAP_SNAPSHOT=1 (to see what holds the memory).
// Bench-only: Ferry itself has no such hook.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const dir = process.env.FERRY_BENCH_MEMORY_DIR;
if (dir) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    gc();
    const after = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]));
    const rollup = fs.readFileSync('/proc/self/smaps_rollup', 'utf8');
    const lazyFree = Number(/LazyFree:\s+(\d+) kB/.exec(rollup)?.[1] ?? 0) * 1024;
    const report = { lazyFree, before, after, heapUsedAfterGc: heap.used_heap_size, heapTotal: heap.total_heap_size, rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), spaces };
    if (process.env.FERRY_BENCH_HEAP_SNAPSHOT === '1') report.snapshot = v8.writeHeapSnapshot(path.join(dir, `${process.pid}-${Date.now()}.heapsnapshot`));
    fs.writeFileSync(path.join(dir, `${process.pid}.json.tmp`), JSON.stringify(report));
    fs.renameSync(path.join(dir, `${process.pid}.json.tmp`), path.join(dir, `${process.pid}.json`));
  });
}
