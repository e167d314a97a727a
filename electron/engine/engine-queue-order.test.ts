// The queue you can order (issue 20): priority decides which queued transfer starts next (queue
// order within a priority), a move goes out to every client as the view's queue order, and queue
// hours close the queue: nothing starts, and running transfers go back to the queue with their bytes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../shared/transfer';
import { ManualClock } from '../../test-support/manual-clock';
import { until } from '../../test-support/wait';
import { TransferEngine } from './engine';
import type { TransferWorker } from './types';

let dataDir: string;
let engine: TransferEngine | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-order-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** Each attempt runs until its transfer is stopped, or until the test lets it finish (release). */
function holdingWorker() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const worker: TransferWorker = {
    async attempt(ctx) {
      const finished = new Promise<boolean>((resolve) => {
        releases.set(ctx.record.transfer.name, () => resolve(true));
        ctx.signal.addEventListener('abort', () => resolve(false), { once: true });
      });
      await ctx.checkpoint({ resume: { kind: 'download', totalBytes: 1000, segments: [{ start: 0, end: 1000, done: 400 }] } });
      ctx.progress(400, 1000);
      started.push(ctx.record.transfer.name);
      return (await finished) ? { outcome: 'completed' } : { outcome: 'aborted' };
    },
    async discard() {},
  };
  return { worker, started, release: (name: string) => releases.get(name)?.() };
}

const add = (e: TransferEngine, name: string, extra: { priority?: 'high' | 'low' } = {}) => e.addDownload({ url: `http://127.0.0.${name.length}:9/${name}`, directory: dataDir, ...extra });

describe('priority and order', () => {
  it('high starts before normal before low; queue order decides within each', async () => {
    const { worker, started, release } = holdingWorker();
    engine = await TransferEngine.open({ dataDir, workers: { download: worker }, settings: { maxActive: 1, maxPerHost: 9 } });
    await add(engine, 'blocker');
    await until(() => started.length === 1, 'the blocker started');
    const low = await add(engine, 'low', { priority: 'low' });
    const n1 = await add(engine, 'n1');
    const n2 = await add(engine, 'n2');
    const high = await add(engine, 'high');
    expect(engine.get(low.id)?.priority).toBe('low');
    expect(engine.get(n1.id)?.priority).toBeUndefined();
    engine.setTransferPriority(high.id, 'high');
    expect(engine.get(high.id)?.priority).toBe('high');
    for (const [index, name] of ['blocker', 'high', 'n1', 'n2', 'low'].entries()) {
      await until(() => started.length === index + 1, `${name} started`);
      release(name);
    }
    await until(() => engine!.get(low.id)?.state === 'completed', 'low completed');
    expect(started).toEqual(['blocker', 'high', 'n1', 'n2', 'low']);
    expect([n2.id, low.id].map((id) => engine!.get(id)?.state)).toEqual(['completed', 'completed']);
  });

  it('a reorder goes out as a changed view with the new queue order', async () => {
    engine = await TransferEngine.open({ dataDir, clock: new ManualClock(), workers: { download: holdingWorker().worker }, settings: { maxActive: 1 } });
    const [a, b, c] = await engine.addDownloads(['a', 'b', 'c'].map((n) => ({ url: `http://127.0.0.1:9/${n}`, directory: dataDir, paused: true })));
    const changed: TransferView[] = [];
    engine.on('changed', (view) => changed.push(view));
    engine.reorder(c!.id, 0);
    expect(changed.map((v) => v.id)).toEqual([c!.id]);
    expect(changed[0]!.queueOrder).toBeLessThan(engine.get(a!.id)!.queueOrder!);
    expect(engine.list().map((v) => v.name)).toEqual(['c', 'a', 'b']);
    expect(engine.get(b!.id)!.queueOrder).toBeGreaterThan(engine.get(a!.id)!.queueOrder!);
  });
});

describe('queue hours: the queue closed', () => {
  it('starts nothing while closed, hands running transfers back with their bytes, and starts them again when it opens', async () => {
    // The system clock: live progress is paced on it, and this test waits for conditions, not times.
    const { worker, started } = holdingWorker();
    engine = await TransferEngine.open({ dataDir, workers: { download: worker }, settings: { maxActive: 2, maxPerHost: 9 } });
    const running = await add(engine, 'running');
    await until(() => started.length === 1, 'running started');
    await engine.setQueueOpen(false);
    expect(engine.isQueueOpen).toBe(false);
    await until(() => engine!.get(running.id)?.progress.bytesDone === 400, 'the bytes it had');
    expect(engine.get(running.id)).toMatchObject({ state: 'queued', progress: { bytesDone: 400, speed: 0 } });
    const waiting = await add(engine, 'waiting');
    await new Promise((resolve) => setTimeout(resolve, 200)); // a scheduler run had every chance to start it
    expect(engine.get(waiting.id)?.state).toBe('queued');
    expect(started).toEqual(['running']);
    await engine.setQueueOpen(true);
    await until(() => started.length === 3, 'both started');
    expect([running.id, waiting.id].map((id) => engine!.get(id)?.state)).toEqual(['active', 'active']);
    expect([...started].sort()).toEqual(['running', 'running', 'waiting']);
  });
});
