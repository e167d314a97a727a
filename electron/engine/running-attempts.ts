// The attempts in flight: one per active transfer, each with its abort controller and the
// context its worker sees (throttle, progress, durable checkpoints, log). The engine decides
// what an attempt's outcome means for the transfer's state; this module only runs and stops.
import { runAttempt, type AttemptOutcome, type RetrySettings } from './attempt-runner';
import { bufferReclaimer } from './buffer-reclaimer';
import type { LiveProgress } from './live-progress';
import type { SpeedLimits } from './speed-limits';
import type { Agent } from 'node:http';
import type { AttemptContext, CheckpointPatch, TransferRecord, TransferWorker } from './types';

export type StopReason = 'pause' | 'cancel' | 'remove' | 'shutdown';

interface Running {
  controller: AbortController;
  reason?: StopReason;
  done: Promise<void>;
}

export interface RunningAttemptsDeps {
  settings: RetrySettings & { stallTimeoutMs: number };
  live: LiveProgress;
  limits: SpeedLimits;
  workerFor(record: TransferRecord): TransferWorker;
  /** The agent routing this attempt's requests through a proxy; undefined when none applies. */
  agentFor?(record: TransferRecord): Agent | undefined;
  /** A worker's durable facts: merged into the record and saved (the lifecycle's). */
  checkpoint(record: TransferRecord, patch: CheckpointPatch): Promise<void>;
  log(record: TransferRecord, level: 'info' | 'warn' | 'error', message: string): void;
  /** The attempt ended on its own (not stopped): the engine changes the transfer's state. */
  outcome(record: TransferRecord, outcome: AttemptOutcome): void;
  /** A bug (not a transfer failure) escaped while the attempt was not being stopped. */
  crashed(record: TransferRecord, error: unknown): void;
  /** After everything, stopped or not: the slot is free. */
  ended(record: TransferRecord): void;
}

export class RunningAttempts {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: RunningAttemptsDeps) {}

  has(id: string): boolean {
    return this.running.has(id);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }

  run(record: TransferRecord): void {
    const id = record.transfer.id;
    const running: Running = { controller: new AbortController(), done: Promise.resolve() };
    this.running.set(id, running);
    const agent = this.deps.agentFor?.(record);
    running.done = runAttempt(this.deps.workerFor(record), this.contextFor(record, running, agent), record, this.deps.settings)
      .then((outcome) => this.deps.outcome(record, outcome))
      .catch((error: unknown) => {
        // A bug must not take the engine down: it fails that one transfer.
        if (!running.controller.signal.aborted) this.deps.crashed(record, error);
      })
      .finally(() => {
        agent?.destroy();
        this.running.delete(id);
        this.deps.live.forget(id);
        this.deps.ended(record);
      });
  }

  /** Aborts the attempt and resolves once its worker has stopped (resume data true). */
  async stop(id: string, reason: StopReason): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    running.reason ??= reason;
    running.controller.abort(reason);
    await running.done;
  }

  private contextFor(record: TransferRecord, running: Running, agent: Agent | undefined): AttemptContext {
    return {
      record,
      signal: running.controller.signal,
      stallTimeoutMs: this.deps.settings.stallTimeoutMs,
      ...(agent ? { agent } : {}),
      throttle: reclaiming(this.deps.limits.throttleFor(record)),
      progress: (bytesDone, totalBytes) => this.deps.live.report(record, bytesDone, totalBytes),
      checkpoint: (patch) => this.deps.checkpoint(record, patch),
      log: (level, message) => this.deps.log(record, level, message),
    };
  }
}

/** Every chunk a worker moves passes its throttle: the one place to count bytes for the reclaimer. */
function reclaiming(throttle: AttemptContext['throttle']): AttemptContext['throttle'] {
  return (bytes, signal) => {
    bufferReclaimer.moved(bytes);
    return throttle(bytes, signal);
  };
}
