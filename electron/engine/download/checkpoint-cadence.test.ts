// When checkpoints run (fake timers, a checkpoint that takes as long as the test says): each starts
// the interval after the previous one started, at once when asked for, never two at once, and none
// after stop().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointCadence } from './checkpoint-cadence';

let starts: number[];
let running: number;
let overlapped: boolean;
let takesMs: number;

function cadence(intervalMs = 100, failed: (err: unknown) => void = () => undefined, fail?: Error): CheckpointCadence {
  return new CheckpointCadence(
    intervalMs,
    async () => {
      starts.push(Date.now());
      running += 1;
      overlapped ||= running > 1;
      await new Promise((resolve) => setTimeout(resolve, takesMs));
      running -= 1;
      if (fail) throw fail;
    },
    failed,
  );
}

/** stop(), with the clock moving so a checkpoint still running can end. */
async function stop(c: CheckpointCadence): Promise<void> {
  const stopped = c.stop();
  await vi.advanceTimersByTimeAsync(1000);
  await stopped;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  starts = [];
  running = 0;
  overlapped = false;
  takesMs = 10;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CheckpointCadence', () => {
  it('starts each checkpoint the interval after the previous one started, not after a tick', async () => {
    const c = cadence(100);
    c.start();
    await vi.advanceTimersByTimeAsync(450);
    expect(starts).toEqual([100, 200, 300, 400]);
    await stop(c);
  });

  it('runs the next one as soon as a checkpoint that took longer than the interval ends', async () => {
    takesMs = 130;
    const c = cadence(100);
    c.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(starts).toEqual([100, 230, 360, 490]);
    expect(overlapped).toBe(false);
    await stop(c);
  });

  it('runs one asked for at once; asked for while one runs, right after it; the interval counts from there', async () => {
    takesMs = 30;
    const c = cadence(100);
    c.start();
    await vi.advanceTimersByTimeAsync(40);
    c.request();
    await vi.advanceTimersByTimeAsync(10);
    c.request();
    c.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(starts).toEqual([40, 70, 170]);
    expect(overlapped).toBe(false);
    await stop(c);
  });

  it('stop() waits for the running one and nothing starts after it', async () => {
    takesMs = 50;
    const c = cadence(100);
    c.start();
    await vi.advanceTimersByTimeAsync(120);
    const stopped = c.stop();
    c.request();
    let done = false;
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(20);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(done).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(starts).toEqual([100]);
  });

  it('hands a failed checkpoint to the caller and goes on', async () => {
    const failures: unknown[] = [];
    const c = cadence(100, (err) => failures.push(err), new Error('disk full'));
    c.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(failures.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']);
    await stop(c);
  });
});
