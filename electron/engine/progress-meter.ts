// Speed and ETA from raw byte counts, and the coalescing that keeps progress events to about
// ten a second per transfer whatever the chunk rate.
import type { TransferProgress } from '../../shared/transfer';
import { systemClock, type Clock, type TimerHandle } from './clock';

const WINDOW_MS = 3000;

export class ProgressMeter {
  private samples: Array<{ at: number; bytes: number }> = [];
  private lastBytes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Forget history, e.g. when a raw upload restarts from byte 0. */
  reset(): void {
    this.samples = [];
    this.lastBytes = 0;
  }

  measure(bytesDone: number, totalBytes: number | null): TransferProgress {
    const at = this.now();
    if (bytesDone < this.lastBytes) this.samples = [];
    this.lastBytes = bytesDone;
    // Downloads report thousands of chunks a second: a sample per millisecond is enough, and
    // the window's first sample (all that speed depends on) is the first of its millisecond anyway.
    const last = this.samples[this.samples.length - 1];
    if (!last || last.at !== at) this.samples.push({ at, bytes: bytesDone });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    const speed = elapsed > 0.2 ? Math.max(0, (bytesDone - first.bytes) / elapsed) : 0;
    const etaSeconds =
      totalBytes !== null && speed > 0 ? Math.max(0, Math.round((totalBytes - bytesDone) / speed)) : null;
    return { bytesDone, totalBytes, speed: Math.round(speed), etaSeconds };
  }
}

/** Calls `emit` at most once per interval with the latest value; the last value is never lost. */
export class Coalescer<T> {
  private pending: T | undefined;
  private timer: TimerHandle | undefined;
  private lastEmit = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: T) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  push(value: T): void {
    this.pending = value;
    const wait = this.lastEmit + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.flush();
    } else if (!this.timer) {
      this.timer = this.clock.setTimer(() => this.flush(), wait);
    }
  }

  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.pending === undefined) return;
    const value = this.pending;
    this.pending = undefined;
    this.lastEmit = this.clock.now();
    this.emit(value);
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = undefined;
  }
}
