// Every network wait needs a bound: a transfer that stops receiving (or sending) bytes must
// be noticed and retried instead of hanging forever.

export interface StallWatchdog {
  /** Bytes moved: push the deadline out. */
  kick(): void;
  stop(): void;
}

export function createStallWatchdog(timeoutMs: number, onStall: () => void): StallWatchdog {
  let last = Date.now();
  let stopped = false;
  // One coarse interval instead of re-arming a timer per chunk: kick() runs thousands of times a second.
  const checkEvery = Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4)));
  const timer = setInterval(() => {
    if (stopped) return;
    if (Date.now() - last >= timeoutMs) {
      stopped = true;
      clearInterval(timer);
      onStall();
    }
  }, checkEvery);
  timer.unref?.();
  return {
    kick() {
      last = Date.now();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
