// A failed download shows the bytes it kept, not the bytes it received: on a full disk the worker
// had counted bytes that never reached the .part (found by the hostile suite's disk-full row).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TransferEngine } from './engine';
import { TransferFailure, type TransferWorker } from './types';

let dataDir: string;
let engine: TransferEngine | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-failed-progress-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

it('a download that fails for good shows its durable bytes as done', async () => {
  const worker: TransferWorker = {
    async attempt(ctx) {
      await ctx.checkpoint({ resume: { kind: 'download', totalBytes: 1000, segments: [{ start: 0, end: 1000, done: 400 }] } });
      ctx.progress(700, 1000); // received, but the disk took only 400
      await new Promise((resolve) => setTimeout(resolve, 150)); // let the coalesced progress go out
      throw new TransferFailure({ code: 'DISK_FULL', message: 'Disk full while writing x.part', retryable: false });
    },
    async discard() {},
  };
  engine = await TransferEngine.open({ dataDir, workers: { download: worker } });
  const view = await engine.addDownload({ url: 'http://127.0.0.1:9/x.bin', directory: dataDir });
  const [failed] = await engine.waitUntilFinished([view.id]);
  expect(failed!.state).toBe('failed');
  expect(failed!.progress.bytesDone).toBe(400);
});
