// A pause or shutdown that arrives while a worker is finishing (the file already renamed to its
// final name) must not undo the completion: found by the hostile suite's checkpoint storm, where
// such a transfer was paused, resumed, and downloaded again as "name (1).ext".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TransferEngine } from './engine';
import type { AttemptResult, TransferWorker } from './types';

let dataDir: string;
let engine: TransferEngine | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-finish-race-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** A worker that reaches the point of no return (the rename), then waits for `release` and reports completion. */
function finishingWorker() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const atRename = new Promise<void>((resolve) => (reached = resolve));
  let attempts = 0;
  const worker: TransferWorker = {
    async attempt(ctx): Promise<AttemptResult> {
      attempts++;
      await ctx.checkpoint({ resume: { kind: 'download', totalBytes: 10, segments: [{ start: 0, end: 10, done: 10 }] } });
      reached();
      await released; // the rename is done; an abort now cannot take it back
      return { outcome: 'completed' };
    },
    async discard() {},
  };
  return { worker, release, atRename, attempts: () => attempts };
}

for (const stop of ['pause', 'pause-resume', 'close'] as const) {
  it(`${stop} during the final rename: the transfer is completed, and is not downloaded again`, async () => {
    const w = finishingWorker();
    engine = await TransferEngine.open({ dataDir, workers: { download: w.worker } });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/x.bin', directory: dataDir });
    await w.atRename;
    const stopping = stop === 'close' ? engine.close() : engine.pause(view.id);
    if (stop === 'pause-resume') await engine.resume(view.id); // queued again before the old attempt ended
    w.release();
    await stopping;
    if (stop === 'close') {
      engine = await TransferEngine.open({ dataDir, workers: { download: w.worker } });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(engine.get(view.id)!.state).toBe('completed');
    expect(w.attempts()).toBe(1);
  });
}
