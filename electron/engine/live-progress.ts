// Live progress per transfer: speed/ETA from raw byte counts, coalesced to about ten events a
// second. Only an active transfer's progress goes out; a worker winding down after a pause
// still updates the byte count, silently (`stored` says so), so the next view carries it without
// a stale speed.
import type { TransferProgress } from '../../shared/transfer';
import type { Clock } from './clock';
import { Coalescer, ProgressMeter } from './progress-meter';
import type { TransferRecord } from './types';

const PROGRESS_INTERVAL_MS = 100;

export class LiveProgress {
  private readonly meters = new Map<string, ProgressMeter>();
  private readonly outs = new Map<string, Coalescer<TransferProgress>>();

  constructor(
    private readonly clock: Clock,
    private readonly emit: (id: string, progress: TransferProgress) => void,
    /** Bytes of a transfer that is not active were stored in its facts, with no event of their own. */
    private readonly stored: (record: TransferRecord) => void = () => undefined,
  ) {}

  report(record: TransferRecord, bytesDone: number, totalBytes: number | null): void {
    const id = record.transfer.id;
    if (record.transfer.state !== 'active') {
      record.transfer.progress = { ...record.transfer.progress, bytesDone, totalBytes, speed: 0, etaSeconds: null };
      this.stored(record);
      return;
    }
    let meter = this.meters.get(id);
    if (!meter) this.meters.set(id, (meter = new ProgressMeter(() => this.clock.now())));
    record.transfer.progress = meter.measure(bytesDone, totalBytes);
    let out = this.outs.get(id);
    if (!out) {
      out = new Coalescer(PROGRESS_INTERVAL_MS, (progress) => this.emit(id, progress), this.clock);
      this.outs.set(id, out);
    }
    out.push(record.transfer.progress);
  }

  /** Send what is pending now: before a state change, so no progress event follows it. */
  flush(id: string): void {
    this.outs.get(id)?.flush();
  }

  /** Drop what is pending: the next view carries the final numbers. */
  cancel(id: string): void {
    this.outs.get(id)?.cancel();
  }

  /** The transfer stopped running: free its meter and coalescer (thousands may be listed). */
  forget(id: string): void {
    this.outs.get(id)?.cancel();
    this.outs.delete(id);
    this.meters.delete(id);
  }
}
