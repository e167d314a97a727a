// Which queued transfers start next. Kept apart from the engine so that queue rules (order,
// priority, global and per-host limits, queue hours, "not before" times of transfers waiting to retry) have one home.
//
// Cost: the scheduler keeps the queued set and the active counts itself, so a run with every
// slot taken is O(1), and adding or resuming thousands of transfers costs one run, not one scan
// of the whole list per transfer. A transfer waiting to retry holds no slot: it is queued with
// `nextRetryAt`, and ONE timer is armed for the earliest of those.
import type { TransferState } from '../../shared/transfer';
import type { Clock, TimerHandle } from './clock';
import { hostOf } from './records';
import type { TransferRecord } from './types';

export interface SchedulerDeps {
  clock: Clock;
  limits(): { maxActive: number; maxPerHost: number };
  /** Outside the queue hours nothing new starts (transfers already running were handed back by the engine). */
  isOpen(): boolean;
  /** A queued transfer whose previous worker still winds down must wait: one writer per file. */
  isBusy(id: string): boolean;
  /** Held until a caller resumes it (EngineOptions.holdRestored). */
  isHeld(id: string): boolean;
  start(record: TransferRecord): void;
}

export class Scheduler {
  /** Each queued record with its host, parsed once: a run may look at every queued transfer. */
  private readonly queued = new Map<string, { record: TransferRecord; host: string }>();
  private readonly activeByHost = new Map<string, number>();
  private readonly activeRecords = new Map<string, TransferRecord>();
  private requested = false;
  private stopped = false;
  private timer: { at: number; handle: TimerHandle } | undefined;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Keeps the indexes true; the engine calls it on every state change (and for loaded records). */
  noteState(record: TransferRecord, from: TransferState | undefined, to: TransferState): void {
    if (from === to) return;
    const id = record.transfer.id;
    if (from === 'queued') this.queued.delete(id);
    if (from === 'active') this.countActive(record, -1);
    if (to === 'queued') this.queued.set(id, { record, host: hostOf(record) });
    if (to === 'active') this.countActive(record, +1);
  }

  /** The record is gone (removed): forget it whatever its state. */
  forget(record: TransferRecord): void {
    this.noteState(record, record.transfer.state, 'completed');
  }

  /** The active transfers, without scanning the list: for totals shown every half second. */
  get active(): ReadonlyMap<string, TransferRecord> {
    return this.activeRecords;
  }

  /** Runs once per tick however often it is asked. */
  request(): void {
    if (this.requested || this.stopped) return;
    this.requested = true;
    queueMicrotask(() => {
      this.requested = false;
      this.run();
    });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.handle.cancel();
    this.timer = undefined;
  }

  private run(): void {
    if (this.stopped) return;
    const { maxActive, maxPerHost } = this.deps.limits();
    if (this.activeRecords.size >= maxActive || this.queued.size === 0 || !this.deps.isOpen()) return this.disarm();
    const now = this.deps.clock.now();
    let earliestWait = Infinity;
    // One pass per free slot for the first eligible transfer in queue order, rather than sorting
    // the whole queue: slots are few, the queue may hold thousands.
    while (this.activeRecords.size < maxActive) {
      let best: TransferRecord | undefined;
      for (const { record, host } of this.queued.values()) {
        const notBefore = record.transfer.nextRetryAt;
        if (notBefore !== undefined && notBefore > now) {
          earliestWait = Math.min(earliestWait, notBefore);
          continue;
        }
        if (best && !startsBefore(record, best)) continue;
        // With every queued transfer on a host at its limit and a slot free, each run looks at
        // all of them: a URL parse each (10,000 queued, ten adds) showed as ~0.1 s of an add.
        if ((this.activeByHost.get(host) ?? 0) >= maxPerHost) continue;
        if (this.deps.isBusy(record.transfer.id) || this.deps.isHeld(record.transfer.id)) continue;
        best = record;
      }
      if (!best) break;
      // start() makes it active, which calls noteState and updates the counts.
      this.deps.start(best);
      if (this.queued.has(best.transfer.id)) break; // never spin on a transfer that did not start
    }
    // Slots full: the next finish runs the scheduler anyway, no timer needed until then.
    if (this.activeRecords.size >= maxActive || earliestWait === Infinity) return this.disarm();
    this.arm(earliestWait);
  }

  private arm(at: number): void {
    if (this.timer?.at === at) return;
    this.timer?.handle.cancel();
    const handle = this.deps.clock.setTimer(() => {
      this.timer = undefined;
      this.request();
    }, at - this.deps.clock.now());
    this.timer = { at, handle };
  }

  private disarm(): void {
    this.timer?.handle.cancel();
    this.timer = undefined;
  }

  private countActive(record: TransferRecord, delta: number): void {
    const host = hostOf(record);
    if (delta > 0) this.activeRecords.set(record.transfer.id, record);
    else this.activeRecords.delete(record.transfer.id);
    const next = (this.activeByHost.get(host) ?? 0) + delta;
    if (next > 0) this.activeByHost.set(host, next);
    else this.activeByHost.delete(host);
  }
}

const RANK = { high: 0, normal: 1, low: 2 } as const;

/** Priority first (high, normal, low), then queue order. */
export function startsBefore(a: TransferRecord, b: TransferRecord): boolean {
  const byRank = RANK[a.transfer.priority ?? 'normal'] - RANK[b.transfer.priority ?? 'normal'];
  return byRank !== 0 ? byRank < 0 : a.order < b.order;
}
