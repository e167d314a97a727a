// Speed limits: one global bucket per direction and one per transfer, all changeable live. A
// transfer's bucket is shared by every connection of that transfer, so its limit holds however
// many connections it opens.
import type { TransferKind } from '../../shared/transfer';
import type { Clock } from './clock';
import { RateLimiter } from './rate-limiter';
import type { Throttle, TransferRecord } from './types';

export class SpeedLimits {
  private readonly global: Record<TransferKind, RateLimiter>;
  private readonly perTransfer = new Map<string, RateLimiter>();

  constructor(
    private readonly clock: Clock,
    limits: { downloadLimit: number | null; uploadLimit: number | null },
  ) {
    this.global = { download: new RateLimiter(limits.downloadLimit, clock), upload: new RateLimiter(limits.uploadLimit, clock) };
  }

  setGlobal(limits: { downloadLimit: number | null; uploadLimit: number | null }): void {
    this.global.download.setRate(limits.downloadLimit);
    this.global.upload.setRate(limits.uploadLimit);
  }

  setTransfer(id: string, bytesPerSecond: number | null): void {
    this.perTransfer.get(id)?.setRate(bytesPerSecond);
  }

  /** The throttle a worker calls for every chunk of this transfer, on any of its connections. */
  throttleFor(record: TransferRecord): Throttle {
    const all = this.global[record.transfer.kind];
    const own = this.transferLimiter(record);
    return (bytes, signal) => {
      // Called for every chunk (thousands a second): without limits, nothing to wait for.
      if (all.rate === null && own.rate === null) return undefined;
      return all.take(bytes, signal).then(() => own.take(bytes, signal));
    };
  }

  forget(id: string): void {
    this.perTransfer.delete(id);
  }

  private transferLimiter(record: TransferRecord): RateLimiter {
    let limiter = this.perTransfer.get(record.transfer.id);
    if (!limiter) {
      limiter = new RateLimiter(record.transfer.speedLimit ?? null, this.clock);
      this.perTransfer.set(record.transfer.id, limiter);
    }
    return limiter;
  }
}
