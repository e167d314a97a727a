// Child process of the power-loss scenario: an engine with hundreds of downloads running at once,
// checkpointing progress every 50 ms while this process keeps pausing and resuming transfers at
// random (state changes are checkpoints too). The parent
// SIGKILLs it at random moments. Exits 0 by itself once every transfer completed.
//
//   tsx checkpoint-storm-child.ts DATA_DIR OUT_DIR BASE_URL COUNT
import { createDownloadWorker } from '../../electron/engine/download/download-worker';
import { TransferEngine } from '../../electron/engine/engine';
import { mkdir } from 'node:fs/promises';

const [dataDir, outDir, baseUrl, countText] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countText);
await mkdir(outDir, { recursive: true });

const engine = await TransferEngine.open({
  dataDir,
  settings: { maxActive: 32, maxPerHost: 32, retryBaseMs: 50, retryMaxMs: 200 },
  resumeOnStart: true,
  workers: { download: createDownloadWorker({ checkpointIntervalMs: 50 }) },
});
for (const problem of engine.startupProblems) process.stdout.write(`problem ${problem}\n`);

// A kill may have landed half-way through adding: add only what is missing.
const present = new Set(engine.list().map((v) => v.url));
for (let i = 0; i < count; i++) {
  const url = `${baseUrl}/f${i}.bin`;
  if (!present.has(url)) await engine.addDownload({ url, directory: outDir, fileName: `f${i}.bin` });
}
// Transfers paused by the storm in an earlier life are resumed.
await engine.resumeAll();
process.stdout.write('ready\n');

const allDone = (): boolean => engine.list().every((v) => v.state === 'completed');
const storm = setInterval(() => {
  const views = engine.list();
  for (let k = 0; k < 4; k++) {
    const v = views[Math.floor(Math.random() * views.length)];
    if (!v) continue;
    if (v.state === 'active' || v.state === 'queued') void engine.pause(v.id).catch(() => undefined);
    else if (v.state === 'paused') void engine.resume(v.id).catch(() => undefined);
    else if (v.state === 'failed') void engine.retry(v.id).catch(() => undefined);
  }
  // Pausing stops the storm once most are done, so the run ends.
  if (views.filter((x) => x.state === 'completed').length > views.length * 0.8) void engine.resumeAll();
  if (allDone()) {
    clearInterval(storm);
    void engine.close().then(() => process.exit(0));
  }
}, 50);
