// A worker's facts go under `transfer`. Before the record and the view were told apart they went
// under `view`, and a patch built elsewhere (a variable, not a literal) that still does would be
// merged as nothing, silently: the types refuse it, so the type check finds what is left.
import { expect, it } from 'vitest';
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
