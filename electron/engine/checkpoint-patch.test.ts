// A worker's facts go under `transfer`. Before the record and the view were told apart they went
// under `view`, and a patch built elsewhere (a variable, not a literal) that still does would be
// merged as nothing, silently: the types refuse it, so the type check finds what is left. A fact
// patched to undefined is removed, as a state change removes it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { TransferEngine } from './engine';
import { mergeCheckpoint, newDownloadRecord } from './records';
import type { CheckpointPatch, TransferFacts, TransferWorker } from './types';

it('refuses a checkpoint or prepare() patch that still names the facts `view`, which would be ignored', () => {
  const record = newDownloadRecord({ url: 'http://127.0.0.1:9/a.bin', directory: '/tmp' }, 1, 0);
  const facts: Partial<TransferFacts> = { name: 'b.bin' };
  const oldShape = { resume: { totalBytes: 10 }, view: facts };
  // @ts-expect-error the old shape: its facts would be dropped
  const patch: CheckpointPatch = oldShape;
  const worker: TransferWorker = {
    // @ts-expect-error the old shape from prepare() too
    prepare: async () => oldShape,
    attempt: async () => ({ outcome: 'aborted' }),
    discard: async () => {},
  };
  expect(worker.prepare).toBeDefined();
  // What the type check prevents: nothing of the facts arrives.
  expect(mergeCheckpoint(record, patch)).toBe(false);
  expect(record.transfer.name).toBe('a.bin');
  expect(mergeCheckpoint(record, { transfer: facts })).toBe(true);
  expect(record.transfer.name).toBe('b.bin');
});

it("a transfer's own proxy taken away is gone from its facts, its view and its saved record", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-patch-'));
  const engine = await TransferEngine.open({ dataDir, workers: { download: { attempt: async () => ({ outcome: 'aborted' }), discard: async () => {} } } });
  try {
    const added = await engine.addDownload({ url: 'http://127.0.0.1:9/a.bin', directory: dataDir, paused: true, proxy: { mode: 'none' } });
    expect(engine.get(added.id)!.proxy).toEqual({ mode: 'none' });
    engine.setTransferProxy(added.id, undefined);
    expect('proxy' in engine.get(added.id)!).toBe(false);
    expect(engine.transferProxy(added.id)).toBeUndefined();
    await engine.close();
    const saved = JSON.parse(await readFile(path.join(dataDir, 'transfers', `${added.id}.json`), 'utf8'));
    expect('proxy' in saved.transfer).toBe(false);
  } finally {
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
