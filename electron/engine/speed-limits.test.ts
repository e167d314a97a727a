// Live speed limits on a manual clock: 1 and 16 connections of one transfer share its bucket,
// the global limit holds across transfers, and a limit changed while running holds within ±5%
// over the next 10 s. No real time passes, so the numbers are exact, not noisy.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test-support/manual-clock';
import { newDownloadRecord } from './records';
import type { Throttle } from './types';
import { SpeedLimits } from './speed-limits';

const KiB = 1024;
const CHUNK = 16 * KiB;

function record(speedLimit: number | null) {
  return newDownloadRecord({ url: 'http://127.0.0.1:9/f', directory: '/tmp', speedLimit }, 1, 0);
}

/** `connections` loops, each passing CHUNK after CHUNK through the throttle, counting bytes let through. */
function run(throttle: Throttle, connections: number) {
  const controllers = Array.from({ length: connections }, () => new AbortController());
  const counter = { bytes: 0 };
  for (const { signal } of controllers) {
    void (async () => {
      while (!signal.aborted) {
        await throttle(CHUNK, signal);
        if (!signal.aborted) counter.bytes += CHUNK;
      }
    })();
  }
  return { counter, stop: () => controllers.forEach((c) => c.abort()) };
}

async function bytesOver(clock: ManualClock, counter: { bytes: number }, ms: number): Promise<number> {
  const start = counter.bytes;
  for (let t = 0; t < ms; t += 50) await clock.advance(50);
  return counter.bytes - start;
}

function expectWithin5(measured: number, expected: number): void {
  expect(measured / expected).toBeGreaterThanOrEqual(0.95);
  expect(measured / expected).toBeLessThanOrEqual(1.05);
}

describe('speed limits', () => {
  for (const connections of [1, 16]) {
    it(`a transfer's own limit holds within ±5% over 10 s with ${connections} connection(s), and changes live`, async () => {
      const clock = new ManualClock();
      const limits = new SpeedLimits(clock, { downloadLimit: null, uploadLimit: null });
      const transfer = record(1000 * KiB);
      const { counter, stop } = run(limits.throttleFor(transfer), connections);
      expectWithin5(await bytesOver(clock, counter, 10_000), 10 * 1000 * KiB);
      limits.setTransfer(transfer.transfer.id, 200 * KiB); // slower, while running
      expectWithin5(await bytesOver(clock, counter, 10_000), 10 * 200 * KiB);
      limits.setTransfer(transfer.transfer.id, 2000 * KiB); // faster again
      expectWithin5(await bytesOver(clock, counter, 10_000), 10 * 2000 * KiB);
      stop();
      await clock.advance(1000);
    });
  }

  it('the global limit holds across transfers and both directions keep their own', async () => {
    const clock = new ManualClock();
    const limits = new SpeedLimits(clock, { downloadLimit: 600 * KiB, uploadLimit: 300 * KiB });
    const downloads = [record(null), record(null)].map((r) => run(limits.throttleFor(r), 8));
    const upload = record(null);
    upload.transfer.kind = 'upload';
    const up = run(limits.throttleFor(upload), 4);
    const before = downloads.map((d) => d.counter.bytes);
    const upBefore = up.counter.bytes;
    for (let t = 0; t < 10_000; t += 50) await clock.advance(50);
    const downloaded = downloads.reduce((sum, d, i) => sum + d.counter.bytes - before[i]!, 0);
    expectWithin5(downloaded, 10 * 600 * KiB);
    expectWithin5(up.counter.bytes - upBefore, 10 * 300 * KiB);
    limits.setGlobal({ downloadLimit: 100 * KiB, uploadLimit: 300 * KiB });
    const mark = downloads.map((d) => d.counter.bytes);
    for (let t = 0; t < 10_000; t += 50) await clock.advance(50);
    expectWithin5(downloads.reduce((sum, d, i) => sum + d.counter.bytes - mark[i]!, 0), 10 * 100 * KiB);
    for (const d of [...downloads, up]) d.stop();
    await clock.advance(1000);
  });
});
