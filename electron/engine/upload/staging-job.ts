// The staging copy and its SHA-256, made in one pass on a worker thread (staging-thread.ts) so
// the main thread only uploads. The upload does not wait for the copy: it reads each byte of the
// staged copy once the copy has written it (waitFor), so copying and sending overlap and a 1 GiB
// upload costs about what sending it costs. Where the file system cloned the file (reflink),
// the job only hashes. If the source changes while it is copied the job fails with
// SourceChangedFailure before the copy's last bytes are released, and the upload starts over
// from a fresh copy (upload-worker.ts).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TransferFailure } from '../types';
import { STAGING_CONTROL_SLOTS, STAGING_HOLD, STAGING_STOP, STAGING_SYNCING, STAGING_THREAD_SOURCE, type StagingThreadData, type StagingThreadMessage } from './staging-thread';

export type StagingJobSpec = Omit<StagingThreadData, 'chunkBytes' | 'control' | 'syncHoldMs'> & {
  /** Default SYNC_HOLD_MS; tests shorten it. */
  syncHoldMs?: number;
};

/**
 * While an upload reads the copy, the fsync of the complete copy waits this long for the upload
 * to end (then the copy is deleted unsynced). Long enough for a loopback or LAN upload to finish
 * after its last byte was copied; a crash inside it only means staging again from the source.
 */
export const SYNC_HOLD_MS = 2000;

/**
 * Bytes per progress message (and check of the source): small enough that the upload starts
 * within milliseconds, large enough that the message and the two stats per step stay cheap.
 */
export const STAGING_CHUNK_BYTES = 2 * 1024 * 1024;

/** The source was edited, replaced or deleted while it was being copied: start over from it. */
export class SourceChangedFailure extends TransferFailure {
  constructor(readonly sourcePath: string) {
    super({
      code: 'SOURCE_UNREADABLE',
      message: `${sourcePath} changed while Ferry was staging it; cancel and retry to stage the current version`,
      retryable: false,
    });
  }
}

export class StagingJob {
  private copiedBytes = 0;
  private failure: TransferFailure | undefined;
  private finished = false;
  private stopped: Promise<unknown> = Promise.resolve();
  /** Shared with the thread: see STAGING_STOP, STAGING_HOLD and STAGING_SYNCING. */
  private readonly control = new Int32Array(new SharedArrayBuffer(STAGING_CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly waiters = new Set<() => void>();
  private settle!: { resolve(sha256: string): void; reject(err: TransferFailure): void };
  private hash = '';
  /** The SHA-256 of what was staged, once the copy is complete, checked and on disk. */
  readonly done: Promise<string>;
  started = false;

  constructor(readonly spec: StagingJobSpec) {
    this.done = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody may be waiting yet (the upload is queued); whoever awaits later sees the outcome.
    this.done.catch(() => {});
  }

  /** Ended without a complete copy (source problem, full disk, canceled). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Bytes [0, copied) of the staged copy may be read. */
  get copied(): number {
    return this.spec.target ? this.copiedBytes : this.spec.size;
  }

  /** The staged copy's SHA-256 once the whole copy is written and checked (before its fsync). */
  get sha256(): string | undefined {
    return this.hash || undefined;
  }

  start(): void {
    if (this.started || this.finished) return;
    this.started = true;
    const { syncHoldMs = SYNC_HOLD_MS, ...spec } = this.spec;
    const data: StagingThreadData = { ...spec, chunkBytes: STAGING_CHUNK_BYTES, control: this.control, syncHoldMs };
    const worker = new Worker(STAGING_THREAD_SOURCE, { eval: true, workerData: data });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // A copy in progress must not keep a closing Ferry alive: the next start copies again
    // (StagedCopies.restage), and an upload waiting for it holds its own socket open anyway.
    worker.unref();
    worker.on('message', (msg: StagingThreadMessage) => {
      if (msg.type === 'progress') {
        this.copiedBytes = msg.bytes;
        this.wake();
      } else if (msg.type === 'copied') {
        this.hash = msg.sha256;
        this.copiedBytes = this.spec.size;
        this.wake();
      } else if (msg.type === 'durable') {
        this.finish(undefined, this.hash);
      } else {
        this.finish(this.failureFor(msg));
      }
    });
    worker.on('error', (err) => this.finish(stagingFailure(`Staging stopped: ${err.message}`)));
    worker.on('exit', () => this.finish(stagingFailure('Staging was stopped')));
    this.stopped = exited;
  }

  /** An upload is reading this copy: its fsync may wait for the upload to end (SYNC_HOLD_MS). */
  hold(): void {
    Atomics.store(this.control, STAGING_HOLD, 1);
  }

  /** The upload ended without success and the copy stays for the next attempt: fsync it now. */
  syncNow(): void {
    Atomics.store(this.control, STAGING_HOLD, 0);
    Atomics.notify(this.control, STAGING_STOP);
  }

  /** Resolves once bytes [0, offset) are in the staged copy; rejects if the copy failed. */
  async waitFor(offset: number, signal?: AbortSignal): Promise<void> {
    while (this.copied < offset) {
      if (this.failure) throw this.failure;
      if (this.finished) throw stagingFailure(`The staged copy ends at ${this.copied} bytes, before ${offset}`);
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** Stops the job; resolves once its thread has let go of the files (unless only its fsync is left). */
  cancel(): Promise<void> {
    const running = !this.finished;
    this.finish(stagingFailure('Staging was canceled'));
    // In its fsync the thread only makes durable a complete copy that nobody needs any more (the
    // upload succeeded, or it is being canceled). It writes nothing else, and POSIX lets an open
    // file be deleted: waiting out a 1 GiB fsync would only delay the end of a finished upload.
    // Anywhere else (copying, or holding its fsync for the upload) it stops at once on STOP and
    // closes its files: wait for that, so the caller may delete or reuse the copy. Read after
    // finish() set STOP (staging-thread.ts says why that order makes the answer safe).
    const onlySyncLeft = running && Atomics.load(this.control, STAGING_SYNCING) !== 0 && process.platform !== 'win32';
    return onlySyncLeft ? Promise.resolve() : this.stopped.then(() => undefined);
  }

  private finish(failure: TransferFailure | undefined, sha256?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = failure;
    // The thread stops at its next step (or wakes from its hold) and closes its files itself;
    // `stopped` resolves when it has exited.
    Atomics.store(this.control, STAGING_STOP, 1);
    Atomics.notify(this.control, STAGING_STOP);
    if (this.spec.gate) Atomics.notify(this.spec.gate, 0);
    if (failure) this.settle.reject(failure);
    else this.settle.resolve(sha256!);
    this.wake();
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private failureFor(msg: { stage: string; code?: string; message: string }): TransferFailure {
    const { source, target } = this.spec;
    if (!target || msg.stage === 'hash') return stagingFailure(`Could not read the staged copy ${target ?? source}: ${msg.message}`);
    if (msg.code === 'ENOSPC') {
      const message = `Disk full while staging the upload in ${path.dirname(target)}; free some space and retry (the source is untouched)`;
      return new TransferFailure({ code: 'NO_SPACE_FOR_STAGING', message, retryable: false });
    }
    if (msg.code === 'CHANGED') return new SourceChangedFailure(source);
    if (msg.stage === 'open-source' || msg.stage === 'read') {
      return sourceFailure(msg.code === 'ENOENT' ? `${source} disappeared before Ferry could stage it` : `Cannot read ${source}: ${msg.message}`);
    }
    return stagingFailure(`Could not write the staged copy ${target}: ${msg.message}`);
  }
}

function stagingFailure(message: string): TransferFailure {
  return new TransferFailure({ code: 'FILE_SYSTEM', message, retryable: false });
}

function sourceFailure(message: string): TransferFailure {
  return new TransferFailure({ code: 'SOURCE_UNREADABLE', message, retryable: false });
}

/** Staging threads at once: adding a hundred files must not start a hundred threads. */
export const MAX_PARALLEL_STAGING = 2;

/** One job per transfer; at most MAX_PARALLEL_STAGING run in the background, plus any an upload is waiting for. */
export class StagingQueue {
  private readonly jobs = new Map<string, StagingJob>();
  private queue: StagingJob[] = [];
  private running = 0;

  add(transferId: string, spec: StagingJobSpec): StagingJob {
    void this.cancel(transferId);
    const job = new StagingJob(spec);
    this.jobs.set(transferId, job);
    this.queue.push(job);
    void job.done.then(
      () => this.release(job),
      () => this.release(job),
    );
    this.pump();
    return job;
  }

  get(transferId: string): StagingJob | undefined {
    return this.jobs.get(transferId);
  }

  /**
   * An upload is about to read this transfer's staged copy: start its job now, even past the
   * limit (which only paces staging for transfers still waiting in the engine's queue). Waiting
   * for other copies would look like a stalled upload.
   */
  need(transferId: string): void {
    const job = this.jobs.get(transferId);
    if (!job) return;
    job.hold();
    if (job.started) return;
    this.queue = this.queue.filter((j) => j !== job);
    this.running++;
    job.start();
  }

  /** See StagingJob.syncNow. */
  syncNow(transferId: string): void {
    this.jobs.get(transferId)?.syncNow();
  }

  /** The job's outcome is recorded; keep nothing. */
  forget(transferId: string): void {
    this.jobs.delete(transferId);
  }

  cancel(transferId: string): Promise<void> {
    const job = this.jobs.get(transferId);
    if (!job) return Promise.resolve();
    this.jobs.delete(transferId);
    this.queue = this.queue.filter((j) => j !== job);
    return job.cancel();
  }

  private release(job: StagingJob): void {
    if (job.started) this.running--;
    this.pump();
  }

  private pump(): void {
    while (this.running < MAX_PARALLEL_STAGING && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      job.start();
    }
  }
}
