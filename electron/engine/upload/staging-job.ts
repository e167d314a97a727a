// The staging copy and its SHA-256, made on a worker thread so the main thread only uploads.
// The copy is one fs.copyFileSync: the kernel copies (copy_file_range on Linux, a reflink where
// the file system can), no bytes pass through JavaScript, which on this project's ext4 bench
// machine costs about a third of the CPU of a copy through a buffer. Uploads wait for the copy
// to be complete and checked (source unchanged), then read the staged copy while this thread
// computes its SHA-256 from the staged copy. Where the file system cloned the file (reflink),
// the job only hashes. The source is opened read-only and only read.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TransferFailure } from '../types';

export interface StagingJobSpec {
  /** The user's file (copy) or the staged copy (hash only). */
  source: string;
  /** Where to write the copy; absent: hash `source` only. */
  target?: string;
  /** Bytes to copy/hash: the source's size when it was checked. */
  size: number;
  /** The source's mtime when it was checked: a different one after copying means a torn copy. */
  sourceMtimeMs?: number;
}

// Plain CommonJS run with `eval`, so it works the same under tsx, vitest and an esbuild bundle
// (no separate worker file to ship). Synchronous I/O is fine on its own thread.
const STAGING_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { source, target, size, sourceMtimeMs } = workerData;
const fail = (code, message) => Object.assign(new Error(message), { code });
let stage = 'open-source';
function copy() {
  fs.statSync(source);
  stage = 'write';
  // The copy takes the source's mode: a read-only partial copy left by a crash could not be
  // opened for writing again, so start from no file at all.
  fs.rmSync(target, { force: true });
  stage = 'copy';
  try {
    fs.copyFileSync(source, target, fs.constants.COPYFILE_FICLONE);
  } catch (err) {
    // One call reads one file and writes the other: say which side failed.
    try { fs.accessSync(source, fs.constants.R_OK); stage = 'write'; } catch { stage = 'read'; }
    throw err;
  }
  stage = 'verify';
  let now;
  try { now = fs.statSync(source); } catch { throw fail('CHANGED', 'source gone'); }
  const copied = fs.statSync(target).size;
  if (copied < size || now.size < size) throw fail('SHORT', 'source ended early');
  if (copied !== size || now.size !== size) throw fail('CHANGED', 'source changed');
  if (sourceMtimeMs !== undefined && now.mtimeMs !== sourceMtimeMs) throw fail('CHANGED', 'source changed');
}
function hashFile(file) {
  stage = 'hash';
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(4 << 20, Math.max(1, size)));
    const hash = createHash('sha256');
    for (let done = 0; done < size; ) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - done), done);
      if (n === 0) throw fail('SHORT', 'staged copy ended early');
      hash.update(buffer.subarray(0, n));
      done += n;
    }
    return hash.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}
try {
  if (target) {
    copy();
    parentPort.postMessage({ type: 'copied' });
  }
  parentPort.postMessage({ type: 'done', sha256: hashFile(target || source) });
} catch (err) {
  parentPort.postMessage({ type: 'error', stage, code: err.code, message: err.message });
}
`;

type WorkerMessage =
  | { type: 'copied' }
  | { type: 'done'; sha256: string }
  | { type: 'error'; stage: string; code?: string; message: string };

export class StagingJob {
  private copiedBytes = 0;
  private failure: TransferFailure | undefined;
  private finished = false;
  private worker: Worker | undefined;
  private stopped: Promise<unknown> = Promise.resolve();
  private readonly waiters = new Set<() => void>();
  private settle!: { resolve(sha256: string): void; reject(err: TransferFailure): void };
  /** The SHA-256 of what was staged, once the job is complete. */
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

  get copied(): number {
    return this.spec.target ? this.copiedBytes : this.spec.size;
  }

  start(): void {
    if (this.started || this.finished) return;
    this.started = true;
    const worker = new Worker(STAGING_WORKER_SOURCE, { eval: true, workerData: this.spec });
    // A copy in progress must not keep a closing Ferry alive: the next start copies again
    // (StagedCopies.restage), and an upload waiting for it holds its own socket open anyway.
    worker.unref();
    this.worker = worker;
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'copied') {
        this.copiedBytes = this.spec.size;
        this.wake();
      } else if (msg.type === 'done') {
        this.copiedBytes = this.spec.size;
        this.finish(undefined, msg.sha256);
      } else {
        this.finish(this.failureFor(msg));
      }
    });
    worker.on('error', (err) => this.finish(stagingFailure(`Staging stopped: ${err.message}`)));
    worker.on('exit', () => this.finish(stagingFailure('Staging was stopped')));
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

  /** Stops the job; resolves once its thread has let go of the files. */
  cancel(): Promise<void> {
    this.finish(stagingFailure('Staging was canceled'));
    return this.stopped.then(() => undefined);
  }

  private finish(failure: TransferFailure | undefined, sha256?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = failure;
    if (this.worker) this.stopped = this.worker.terminate().catch(() => undefined);
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
    if (msg.code === 'CHANGED') {
      return sourceFailure(`${source} changed while Ferry was staging it; cancel and retry to stage the current version`);
    }
    if (msg.code === 'SHORT') {
      return sourceFailure(`${source} got shorter while Ferry was staging it; cancel and retry to stage it again`);
    }
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
    if (!job || job.started) return;
    this.queue = this.queue.filter((j) => j !== job);
    this.running++;
    job.start();
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
