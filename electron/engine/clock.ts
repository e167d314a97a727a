// The engine's sense of time, passed in as an argument: production uses the system clock, and
// scheduling/retry tests drive a manual one instead of sleeping in real time.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /**
   * Calls `fn` once after `ms`. The timer keeps the process alive (a CLI waiting for a retry
   * must not exit); whoever arms one cancels it on close.
   */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
};

/** setTimer as a promise that resolves early (never rejects) when the signal aborts. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
