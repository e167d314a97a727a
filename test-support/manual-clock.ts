// A clock that moves only when a test says so: scheduling and retry tests advance it instead of
// sleeping in real time, and can assert what happens one millisecond before a deadline.
import type { Clock, TimerHandle } from '../electron/engine/clock';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const entry: Pending = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.add(entry);
    return { cancel: () => this.pending.delete(entry) };
  }

  /** Timers armed and not yet fired or cancelled. */
  get timerCount(): number {
    return this.pending.size;
  }

  /** Moves time without firing anything (see sleepThrough). */
  jumpWithoutFiring(ms: number): void {
    this.current += ms;
  }

  /**
   * Moves time forward, firing due timers in order; between timers it lets promise callbacks run,
   * so work a timer started (and timers that work arms) happens inside the same advance.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await settle();
      const next = [...this.pending].filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.pending.delete(next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
    await settle();
  }
}

/**
 * A machine that slept: time moves `ms` forward at once, and only then do the timers that fell due
 * meanwhile fire (late, all at the new time), as after a suspend.
 */
export async function sleepThrough(clock: ManualClock, ms: number): Promise<void> {
  clock.jumpWithoutFiring(ms);
  await clock.advance(0);
}

/** Lets queued promise callbacks and microtasks run (a few macrotask turns, no real waiting). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
