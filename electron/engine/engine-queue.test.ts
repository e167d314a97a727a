// The queue never stalls: a transfer waiting to retry gives its slot back and waits in the queue
// with a "not before" time; one timer serves all of them. Time is a manual clock: nothing here
// sleeps in real time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../test-support/manual-clock';
import { TransferEngine } from './engine';
import type { RecordStore } from './record-store';
import { TransferFailure, type TransferRecord, type TransferWorker } from './types';

let dataDir: string;
let engine: TransferEngine | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-queue-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** Host 127.0.0.1 answers 503 with Retry-After: 40 once per transfer; every other host just works. */
function flakyHostWorker(): TransferWorker & { attempts: Map<string, number> } {
  const attempts = new Map<string, number>();
  return {
    attempts,
    async attempt(ctx) {
      const n = (attempts.get(ctx.record.transfer.name) ?? 0) + 1;
      attempts.set(ctx.record.transfer.name, n);
      if (new URL(ctx.record.transfer.url).hostname === '127.0.0.1' && n === 1) {
        throw new TransferFailure({ code: 'HTTP_STATUS', status: 503, message: 'Server says 503 Service Unavailable', retryable: true }, 40_000);
      }
      return { outcome: 'completed' };
    },
    async discard() {},
  };
}

describe('a queue that never stalls', () => {
  it('three downloads from one flaky host do not stop the queue behind them', async () => {
    const clock = new ManualClock();
    const worker = flakyHostWorker();
    engine = await TransferEngine.open({
      dataDir,
      clock,
      workers: { download: worker },
      settings: { maxActive: 3, maxPerHost: 3, retryBaseMs: 5, retryMaxMs: 20 },
    });
    const flaky = await engine.addDownloads(['f1', 'f2', 'f3'].map((n) => ({ url: `http://127.0.0.1:9/${n}`, directory: dataDir })));
    const good = await engine.addDownloads(['g1', 'g2', 'g3'].map((n) => ({ url: `http://127.0.0.2:9/${n}`, directory: dataDir })));
    const t0 = clock.now();
    await settle();
    // The flaky three wait in the queue (not in a slot) while the three behind them finish.
    for (const view of good) expect(engine.get(view.id)?.state).toBe('completed');
    for (const view of flaky) {
      expect(engine.get(view.id)).toMatchObject({ state: 'queued', attempt: 2, nextRetryAt: t0 + 40_000, error: { status: 503 } });
    }
    expect(engine.totals().active).toBe(0);
    // One timer for all three waiting transfers.
    expect(clock.timerCount).toBe(1);
    await clock.advance(39_999);
    expect(flaky.map((v) => engine!.get(v.id)?.state)).toEqual(['queued', 'queued', 'queued']);
    await clock.advance(1);
    expect(flaky.map((v) => engine!.get(v.id)?.state)).toEqual(['completed', 'completed', 'completed']);
    expect([...worker.attempts.values()]).toEqual([2, 2, 2, 1, 1, 1]);
    expect(clock.timerCount).toBe(0);
  });

  it('one timer for the earliest of many waits; pausing a waiting transfer forgets its time', async () => {
    const clock = new ManualClock();
    const delays = [30_000, 10_000, 20_000];
    let index = 0;
    const worker: TransferWorker = {
      async attempt(ctx) {
        if (ctx.record.transfer.attempt === 1) {
          throw new TransferFailure({ code: 'HTTP_STATUS', status: 429, message: '429', retryable: true }, delays[index++]);
        }
        return { outcome: 'completed' };
      },
      async discard() {},
    };
    engine = await TransferEngine.open({ dataDir, clock, workers: { download: worker }, settings: { retryBaseMs: 5, retryMaxMs: 20, maxPerHost: 3 } });
    const views = await engine.addDownloads(['a', 'b', 'c'].map((n) => ({ url: `http://127.0.0.1:9/${n}`, directory: dataDir })));
    await settle();
    expect(clock.timerCount).toBe(1);
    await engine.pause(views[1]!.id); // the 10 s one
    expect(engine.get(views[1]!.id)?.nextRetryAt).toBeUndefined();
    await clock.advance(19_999);
    expect(views.map((v) => engine!.get(v.id)?.state)).toEqual(['queued', 'paused', 'queued']);
    await clock.advance(1);
    expect(views.map((v) => engine!.get(v.id)?.state)).toEqual(['queued', 'paused', 'completed']);
    expect(clock.timerCount).toBe(1);
    await clock.advance(10_000);
    expect(engine.get(views[0]!.id)?.state).toBe('completed');
  });

  it('pauseAll and resumeAll with thousands listed: writes batched and bounded, never one file per call at once', async () => {
    let inFlight = 0;
    let peak = 0;
    let saves = 0;
    const saved = new Map<string, string>();
    const store: RecordStore = {
      async loadAll() {
        return { records: [], problems: [] };
      },
      async save(record: TransferRecord) {
        inFlight += 1;
        saves += 1;
        peak = Math.max(peak, inFlight);
        saved.set(record.transfer.id, record.transfer.state);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
      async delete() {},
    };
    const worker: TransferWorker = {
      async attempt(ctx) {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return { outcome: 'aborted' };
      },
      async discard() {},
    };
    engine = await TransferEngine.open({ dataDir, store, workers: { download: worker } });
    const urls = Array.from({ length: 3000 }, (_, i) => ({ url: `http://127.0.0.${1 + (i % 5)}:9/f${i}`, directory: dataDir }));
    await engine.addDownloads(urls);
    await engine.pauseAll();
    expect(engine.totals().active).toBe(0);
    await engine.resumeAll();
    await engine.pauseAll();
    await engine.close();
    expect(peak).toBeLessThanOrEqual(8);
    // Each record's last write holds its last state, and repeated changes coalesced into fewer writes.
    expect(saved.size).toBe(3000);
    expect([...saved.values()].every((state) => state === 'paused')).toBe(true);
    expect(saves).toBeLessThan(3000 * 4);
  });

  it('totals for the tray come from the active transfers and agree with the full list', async () => {
    const worker: TransferWorker = {
      async attempt(ctx) {
        const total = ctx.record.transfer.name === 'unknown' ? null : 1000;
        ctx.progress(ctx.record.transfer.name === 'a' ? 250 : 400, total);
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return { outcome: 'aborted' };
      },
      async discard() {},
    };
    engine = await TransferEngine.open({ dataDir, workers: { download: worker }, settings: { maxActive: 3, maxPerHost: 3 } });
    await engine.addDownloads(['a', 'b', 'unknown', 'queued'].map((n) => ({ url: `http://127.0.0.1:9/${n}`, directory: dataDir })));
    await settle();
    const fromList = engine.list().filter((v) => v.state === 'active');
    expect(fromList).toHaveLength(3);
    expect(engine.totals()).toEqual({ active: 3, bytesDone: 650, totalBytes: 2000, bytesPerSecond: 0 });
  });

  it('a not-before time survives a restart: the transfer still waits for it, then runs', async () => {
    const clock = new ManualClock();
    const worker = flakyHostWorker();
    engine = await TransferEngine.open({ dataDir, clock, workers: { download: worker }, settings: { retryBaseMs: 5, retryMaxMs: 20 } });
    const [view] = await engine.addDownloads([{ url: 'http://127.0.0.1:9/later', directory: dataDir }]);
    await settle();
    const notBefore = engine.get(view!.id)!.nextRetryAt!;
    expect(notBefore).toBe(clock.now() + 40_000);
    await engine.close(); // waits for the writer: the record on disk says "queued, not before"

    engine = await TransferEngine.open({ dataDir, clock, workers: { download: worker }, settings: { retryBaseMs: 5, retryMaxMs: 20 } });
    await settle();
    expect(engine.get(view!.id)).toMatchObject({ state: 'queued', nextRetryAt: notBefore });
    expect(worker.attempts.get('later')).toBe(1);
    await clock.advance(40_000);
    await engine.waitUntilFinished([view!.id]);
    expect(engine.get(view!.id)?.state).toBe('completed');
    expect(worker.attempts.get('later')).toBe(2);
  });
});
