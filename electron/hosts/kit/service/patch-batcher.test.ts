// Progress from many transfers reaches UIs as at most ~10 batches a second, each current.
import { describe, expect, it, vi } from 'vitest';
import type { TransferPatch } from '../../../../shared/contract';
import type { TransferView } from '../../../../shared/transfer';
import { createPatchBatcher } from './patch-batcher';

const progress = (bytesDone: number) => ({ bytesDone, totalBytes: 1000, speed: 10, etaSeconds: 1 });
const view = (id: string, state: TransferView['state']): TransferView => ({
  id, kind: 'download', state, name: id, url: 'http://127.0.0.1/x', createdAt: 0, progress: progress(0), attempt: 1, log: [],
});

describe('patch batcher', () => {
  it('sends at most ~10 batches a second however fast events come, keeping only the latest per transfer', async () => {
    const batches: TransferPatch[][] = [];
    const batcher = createPatchBatcher((b) => batches.push(b));
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < 1000) {
      for (let t = 0; t < 5; t++) batcher.progress(`t${t}`, progress(n));
      n++;
      await new Promise((r) => setImmediate(r));
    }
    batcher.flush();
    expect(n).toBeGreaterThan(100);
    expect(batches.length).toBeLessThanOrEqual(12);
    expect(batches.length).toBeGreaterThanOrEqual(5);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(5);
    const last = batches.at(-1)!;
    expect(last.find((p) => p.id === 't0')).toEqual({ id: 't0', progress: progress(n - 1) });
    batcher.stop();
  });

  it('folds progress into a pending full view and lets removal win', () => {
    const batches: TransferPatch[][] = [];
    const batcher = createPatchBatcher((b) => batches.push(b), 10_000);
    batcher.view(view('a', 'active'));
    batcher.progress('a', progress(500));
    batcher.view(view('b', 'active'));
    batcher.removed('b');
    batcher.progress('b', progress(1));
    batcher.flush();
    expect(batches).toEqual([[{ id: 'a', view: { ...view('a', 'active'), progress: progress(500) } }, { id: 'b', removed: true }]]);
    batcher.stop();
  });
});

describe('patch batcher: a transfer that ended', () => {
  it('goes out at once, not after the interval (a `ferry get` exits on it)', async () => {
    const batches: TransferPatch[][] = [];
    // An interval far longer than the test may take: only the prompt path can deliver in time.
    const batcher = createPatchBatcher((b) => batches.push(b), 60_000);
    batcher.progress('a', progress(1));
    batcher.flush();
    batcher.progress('a', progress(500));
    batcher.view(view('a', 'completed'));
    await vi.waitFor(() => expect(batches).toHaveLength(2), { timeout: 2000, interval: 5 });
    expect(batches[1]).toEqual([{ id: 'a', view: view('a', 'completed') }]);
    batcher.stop();
  });

  it('still waits out the interval for progress and views that did not end', async () => {
    const batches: TransferPatch[][] = [];
    const batcher = createPatchBatcher((b) => batches.push(b), 60_000);
    batcher.progress('a', progress(1));
    batcher.flush();
    batcher.view(view('a', 'active'));
    batcher.progress('b', progress(2));
    await new Promise((r) => setTimeout(r, 50));
    expect(batches).toHaveLength(1);
    batcher.view(view('c', 'failed'));
    // The pending ones ride along with the end that hurried the batch.
    await vi.waitFor(() => expect(batches).toHaveLength(2), { timeout: 2000, interval: 5 });
    expect(batches[1]!.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    batcher.stop();
  });
});
