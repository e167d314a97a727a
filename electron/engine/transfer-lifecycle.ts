// How a transfer's state changes and who hears of it: the state table, what each attempt's outcome
// means for the transfer, the transfer's own log, saving and 'changed' events. Kept apart from the
// engine's commands so that the rules of one state change have one home, whichever command or
// attempt caused it.
import type { TransferLogEntry, TransferState, TransferView } from '../../shared/transfer';
import type { AttemptOutcome } from './attempt-runner';
import type { Clock } from './clock';
import type { LiveProgress } from './live-progress';
import type { RecordWriter } from './record-writer';
import { appendLog, durableBytes } from './records';
import { canTransition, InvalidTransitionError } from './state-machine';
import type { TransferRecord } from './types';
import type { ViewChanges } from './view-changes';

export interface TransferLifecycleDeps {
  clock: Clock;
  live: LiveProgress;
  writer: RecordWriter;
  views: ViewChanges;
  /** Keeps the queue's indexes true (Scheduler.noteState). */
  noteState(record: TransferRecord, from: TransferState, to: TransferState): void;
  /** Whether a worker still runs for this transfer. */
  isRunning(id: string): boolean;
  /** Runs one attempt of a transfer just made active. */
  run(record: TransferRecord): void;
  emitChanged(view: TransferView): void;
  /** Just before a transfer becomes completed: what only running it needed is dropped from the record. */
  completing(record: TransferRecord): void;
}

/**
 * After a failed attempt the view shows what is kept, not what was sent or received: bytes that
 * never reached the disk (disk full) are not done, and a raw or multipart upload the server refused
 * after its body was out starts from 0 again (a grey 100 % bar beside "Retrying in 1 s · Server
 * says 500" said the opposite). A tus upload keeps what the server confirmed.
 */
function keptProgress(record: TransferRecord): TransferView['progress'] {
  const restarts = record.view.kind === 'upload' && record.view.upload?.restartsOnResume !== false;
  return { ...record.view.progress, bytesDone: restarts ? 0 : durableBytes(record.resume) };
}

export class TransferLifecycle {
  constructor(private readonly deps: TransferLifecycleDeps) {}

  /** The scheduler picked it: active, and its attempt starts. */
  start(record: TransferRecord): void {
    this.transition(record, 'active', { startedAt: record.view.startedAt ?? this.deps.clock.now(), nextRetryAt: undefined });
    this.deps.run(record);
  }

  /**
   * An active transfer's paused view goes out once its worker has stopped (the run's end emits
   * it), so that one event carries the bytes written while winding down.
   */
  pause(record: TransferRecord): void {
    this.transition(record, 'paused', {}, { emit: record.view.state !== 'active' || !this.deps.isRunning(record.view.id) });
  }

  resume(record: TransferRecord): void {
    if (record.view.state !== 'paused') return;
    record.attemptsWithoutProgress = 0;
    this.transition(record, 'queued', { attempt: 1 });
  }

  afterAttempt(record: TransferRecord, outcome: AttemptOutcome): void {
    if (outcome.kind === 'aborted') return;
    const now = this.deps.clock.now();
    if (outcome.kind === 'completed') {
      this.deps.live.cancel(record.view.id);
      this.deps.completing(record);
      const total = record.view.progress.totalBytes ?? record.view.progress.bytesDone;
      this.transition(record, 'completed', {
        ...outcome.patch,
        progress: { bytesDone: total, totalBytes: total, speed: 0, etaSeconds: null },
        finishedAt: now,
        error: undefined,
      });
    } else if (outcome.kind === 'failed') {
      this.log(record, 'error', outcome.error.message);
      this.transition(record, 'failed', { progress: keptProgress(record), error: outcome.error, finishedAt: now });
    } else {
      // Waiting is not working: back to the queue with a not-before time, the slot is free.
      this.log(record, 'warn', outcome.message);
      this.transition(record, 'queued', { attempt: record.view.attempt + 1, nextRetryAt: now + outcome.delayMs, error: outcome.error, progress: keptProgress(record) });
    }
  }

  /** A bug (not a transfer failure) escaped an attempt: it fails that one transfer. */
  crashed(record: TransferRecord, error: unknown): void {
    if (record.view.state !== 'active') return;
    const message = error instanceof Error ? error.message : String(error);
    this.transition(record, 'failed', {
      error: { code: 'INTERNAL', message: `Internal error: ${message}`, retryable: false },
      finishedAt: this.deps.clock.now(),
    });
  }

  /** The one place a transfer changes state: checks the table, persists, tells listeners. */
  transition(record: TransferRecord, to: TransferState, patch: Partial<TransferView> = {}, opts = { emit: true }): void {
    const from = record.view.state;
    if (from !== to && !canTransition(from, to)) throw new InvalidTransitionError(from, to);
    // Progress already measured goes out before the new state, never after it.
    if (from === 'active' && to !== 'active') this.deps.live.flush(record.view.id);
    Object.assign(record.view, patch, { state: to });
    for (const key of Object.keys(patch) as (keyof TransferView)[]) {
      if (patch[key] === undefined) delete record.view[key];
    }
    if (to !== 'active') {
      if (!('nextRetryAt' in patch)) delete record.view.nextRetryAt;
      record.view.progress = { ...record.view.progress, speed: 0, etaSeconds: null };
    }
    if (from !== to) {
      this.log(record, to === 'failed' ? 'error' : 'info', `${from} → ${to}`);
      this.deps.noteState(record, from, to);
    }
    if (opts.emit) this.changed(record);
    else this.deps.writer.markDirty(record);
  }

  /** Persist (batched) and tell listeners, if the view changed. */
  changed(record: TransferRecord): void {
    this.deps.writer.markDirty(record);
    this.emitIfChanged(record);
  }

  emitIfChanged(record: TransferRecord): void {
    const copy = this.deps.views.changedCopy(record.view);
    if (copy) this.deps.emitChanged(copy);
  }

  log(record: TransferRecord, level: TransferLogEntry['level'], message: string): void {
    appendLog(record.view, { at: this.deps.clock.now(), level, message });
  }
}
