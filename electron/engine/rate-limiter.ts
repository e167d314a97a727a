// Speed limits that can change while a transfer runs. A token bucket that may go into debt:
// a 1 MiB chunk under a 100 KiB/s limit is let through and the next call waits the debt off,
// so chunk size never decides the granularity of the limit. One limiter per transfer (and one
// per direction globally) is shared by all of a transfer's connections: each connection takes
// from the same bucket, so the limit holds for the transfer, not per connection.
import { sleepOn, systemClock, type Clock } from './clock';

export class RateLimiter {
  private tokens = 0;
  private last: number;

  constructor(
    private bytesPerSecond: number | null,
    private readonly clock: Clock = systemClock,
  ) {
    this.last = clock.now();
  }

  setRate(bytesPerSecond: number | null): void {
    this.refill();
    this.bytesPerSecond = bytesPerSecond;
    // The new limit starts from an empty bucket: debt taken under an old, slower limit must not keep
    // a transfer waiting, and credit saved under a faster one must not overshoot the new limit.
    this.tokens = 0;
  }

  get rate(): number | null {
    return this.bytesPerSecond;
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.bytesPerSecond === null) return;
    this.refill();
    this.tokens -= bytes;
    while (this.tokens < 0 && this.bytesPerSecond !== null && !signal?.aborted) {
      const waitMs = Math.min(1000, Math.ceil((-this.tokens / this.bytesPerSecond) * 1000));
      await sleepOn(this.clock, Math.max(1, waitMs), signal);
      this.refill();
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const rate = this.bytesPerSecond;
    if (rate !== null) {
      // At most half a second of burst, so a limit holds over short windows too.
      this.tokens = Math.min(rate / 2, this.tokens + ((now - this.last) / 1000) * rate);
    }
    this.last = now;
  }
}

/** setTimeout as a promise that resolves early (never rejects) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepOn(systemClock, ms, signal);
}
