// How a transfer's state changes and who hears of it: the state table, what each attempt's outcome
// means for the transfer, the transfer's own log, saving, and the one place 'changed' is emitted.
// Kept apart from the engine's commands so that the rules of one state change have one home,
// whichever command or attempt caused it.
//
// Whether a view goes out is decided here from what changed, not by comparing views: a state
// change always shows; a worker's checkpoint or a command's update shows when it changed a fact a
// client sees (records.ts mergeCheckpoint); a log line or the last bytes of a stopping worker wait
// in `unsent` for the next view, which the end of the attempt sends at the latest.
import type { TransferLogEntry, TransferState, TransferView } from '../../shared/transfer';
import type { AttemptOutcome } from './attempt-runner';
import type { Clock } from './clock';
import type { LiveProgress } from './live-progress';
import type { RecordWriter } from './record-writer';
import { appendLog, durableBytes, mergeCheckpoint } from './records';
import { canTransition, InvalidTransitionError } from './state-machine';
import { transferView } from './transfer-view';
import type { CheckpointPatch, TransferFacts, TransferRecord } from './types';

export interface TransferLifecycleDeps {
  clock: Clock;
  live: LiveProgress;
  writer: RecordWriter;
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
  const restarts = record.transfer.kind === 'upload' && record.transfer.upload?.restartsOnResume !== false;
  return { ...record.transfer.progress, bytesDone: restarts ? 0 : durableBytes(record.resume) };
}

export class TransferLifecycle {
  /** Transfers whose facts changed in a way a client sees since their last view went out. */
  private readonly unsent = new Set<string>();

  constructor(private readonly deps: TransferLifecycleDeps) {}

  /** The scheduler picked it: active, and its attempt starts. */
  start(record: TransferRecord): void {
    this.transition(record, 'active', { startedAt: record.transfer.startedAt ?? this.deps.clock.now(), nextRetryAt: undefined });
    this.deps.run(record);
  }

  /**
   * An active transfer's paused view goes out once its worker has stopped (the run's end sends
   * it), so that one event carries the bytes written while winding down.
   */
  pause(record: TransferRecord): void {
    this.transition(record, 'paused', {}, { emit: record.transfer.state !== 'active' || !this.deps.isRunning(record.transfer.id) });
  }

  /** Queue hours closed: a running transfer goes back to the queue; its worker's end emits the view (as pause). */
  handBack(record: TransferRecord): void {
    if (record.transfer.state !== 'active') return;
    this.transition(record, 'queued', { progress: { ...record.transfer.progress, speed: 0, etaSeconds: null } }, { emit: !this.deps.isRunning(record.transfer.id) });
  }

  resume(record: TransferRecord): void {
    if (record.transfer.state !== 'paused') return;
    record.attemptsWithoutProgress = 0;
    this.transition(record, 'queued', { attempt: 1 });
  }

  afterAttempt(record: TransferRecord, outcome: AttemptOutcome): void {
    if (outcome.kind === 'aborted') return;
    const now = this.deps.clock.now();
    if (outcome.kind === 'completed') {
      this.deps.live.cancel(record.transfer.id);
      this.deps.completing(record);
      const total = record.transfer.progress.totalBytes ?? record.transfer.progress.bytesDone;
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
      this.transition(record, 'queued', { attempt: record.transfer.attempt + 1, nextRetryAt: now + outcome.delayMs, error: outcome.error, progress: keptProgress(record) });
    }
  }

  /** A bug (not a transfer failure) escaped an attempt: it fails that one transfer. */
  crashed(record: TransferRecord, error: unknown): void {
    if (record.transfer.state !== 'active') return;
    const message = error instanceof Error ? error.message : String(error);
    this.transition(record, 'failed', {
      error: { code: 'INTERNAL', message: `Internal error: ${message}`, retryable: false },
      finishedAt: this.deps.clock.now(),
    });
  }

  /**
   * The one place a transfer changes state: checks the table, persists, tells listeners. A patch
   * value of undefined removes that fact.
   */
  transition(record: TransferRecord, to: TransferState, patch: Partial<TransferFacts> = {}, opts = { emit: true }): void {
    const facts = record.transfer;
    const from = facts.state;
    if (from !== to && !canTransition(from, to)) throw new InvalidTransitionError(from, to);
    // Progress already measured goes out before the new state, never after it.
    if (from === 'active' && to !== 'active') this.deps.live.flush(facts.id);
    Object.assign(facts, patch, { state: to });
    for (const key of Object.keys(patch) as (keyof TransferFacts)[]) {
      if (patch[key] === undefined) delete facts[key];
    }
    if (to !== 'active') {
      if (!('nextRetryAt' in patch)) delete facts.nextRetryAt;
      facts.progress = { ...facts.progress, speed: 0, etaSeconds: null };
    }
    if (from !== to) {
      this.log(record, to === 'failed' ? 'error' : 'info', `${from} → ${to}`);
      this.deps.noteState(record, from, to);
    }
    this.deps.writer.markDirty(record);
    if (opts.emit) this.send(record);
    else this.unsent.add(facts.id);
  }

  /**
   * A command changed facts (a speed limit, cancel's reset of the bytes): persisted, and a view
   * goes out if a client would see a difference.
   */
  update(record: TransferRecord, facts: Partial<TransferFacts>): void {
    const visible = mergeCheckpoint(record, { transfer: facts });
    this.deps.writer.markDirty(record);
    if (visible || this.unsent.has(record.transfer.id)) this.send(record);
  }

  /**
   * A worker's checkpoint: merged, and resolved once saved (the worker goes on only then). A view
   * goes out if it changed what a client sees, unless the worker is winding down after a pause or
   * cancel: then the end of its run sends one view with everything.
   */
  checkpoint(record: TransferRecord, patch: CheckpointPatch): Promise<void> {
    if (mergeCheckpoint(record, patch)) this.unsent.add(record.transfer.id);
    if (this.unsent.has(record.transfer.id) && !this.windingDown(record)) this.send(record);
    return this.deps.writer.persist(record);
  }

  /** Its place in the queue moved (reorder): saved, and every client sees the new place. */
  reordered(record: TransferRecord): void {
    this.deps.writer.markDirty(record);
    this.send(record);
  }

  /** Facts changed without news of their own (bytes a stopping worker reported): they go with the next view. */
  noted(record: TransferRecord): void {
    this.unsent.add(record.transfer.id);
  }

  /** An attempt ended, stopped or not: the record is saved and what is unsent goes now. */
  settled(record: TransferRecord): void {
    this.deps.writer.markDirty(record);
    if (this.unsent.has(record.transfer.id)) this.send(record);
  }

  log(record: TransferRecord, level: TransferLogEntry['level'], message: string): void {
    appendLog(record.transfer, { at: this.deps.clock.now(), level, message });
    this.unsent.add(record.transfer.id);
  }

  /** A transfer joins the list: its first view, for the 'added' event and the caller's reply. */
  introduce(record: TransferRecord): TransferView {
    this.unsent.delete(record.transfer.id);
    return transferView(record);
  }

  forget(id: string): void {
    this.unsent.delete(id);
  }

  /** Not active, yet its worker still runs: it is stopping after a pause or cancel. */
  private windingDown(record: TransferRecord): boolean {
    return record.transfer.state !== 'active' && this.deps.isRunning(record.transfer.id);
  }

  private send(record: TransferRecord): void {
    this.unsent.delete(record.transfer.id);
    this.deps.emitChanged(transferView(record));
  }
}
