// SHA-256 of staged copies, computed on a worker thread while the upload runs: hashing a large
// file on the main thread first would add its whole duration to every upload (about 1.6 s per
// GiB here). One computation per transfer, shared by attempts; dropped on cancel.
import { Worker } from 'node:worker_threads';

// Plain CommonJS run with `eval`, so it works the same under tsx, vitest and an esbuild bundle
// (no separate worker file to ship).
const HASH_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const hash = createHash('sha256');
createReadStream(workerData.path, { highWaterMark: 1 << 20 })
  .on('data', (chunk) => hash.update(chunk))
  .on('end', () => parentPort.postMessage({ sha256: hash.digest('hex') }))
  .on('error', (err) => parentPort.postMessage({ error: err.message }));
`;

export function sha256OnWorker(filePath: string): { result: Promise<string>; cancel(): void } {
  const worker = new Worker(HASH_WORKER_SOURCE, { eval: true, workerData: { path: filePath } });
  const result = new Promise<string>((resolve, reject) => {
    worker.once('message', (msg: { sha256?: string; error?: string }) => {
      if (msg.sha256) resolve(msg.sha256);
      else reject(new Error(`Could not hash ${filePath}: ${msg.error}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`hash worker for ${filePath} stopped (exit ${code})`)));
  });
  // Nobody may be waiting yet (the upload is queued); a failure is seen by whoever awaits later.
  result.catch(() => {});
  return { result, cancel: () => void worker.terminate() };
}

/** Hash threads at once: adding a hundred files must not start a hundred threads. */
export const MAX_PARALLEL_HASHES = 2;

interface HashJob {
  transferId: string;
  path: string;
  result: Promise<string>;
  resolve(sha256: string): void;
  reject(err: unknown): void;
  cancel?: () => void;
  started: boolean;
}

/**
 * Per transfer: queued at staging, run at most MAX_PARALLEL_HASHES at a time (a transfer whose
 * attempt is waiting for its hash goes first), forgotten once recorded or discarded.
 */
export class StagedHashes {
  private readonly jobs = new Map<string, HashJob>();
  private queue: HashJob[] = [];
  private running = 0;

  start(transferId: string, filePath: string): void {
    this.cancel(transferId);
    let resolve!: (sha256: string) => void;
    let reject!: (err: unknown) => void;
    const result = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    result.catch(() => {});
    const job: HashJob = { transferId, path: filePath, result, resolve, reject, started: false };
    this.jobs.set(transferId, job);
    this.queue.push(job);
    this.pump();
  }

  /** The hash of `filePath` for this transfer, starting it if nothing is running (e.g. after a restart). */
  get(transferId: string, filePath: string): Promise<string> {
    const current = this.jobs.get(transferId);
    if (!current || current.path !== filePath) {
      this.start(transferId, filePath);
      return this.get(transferId, filePath);
    }
    if (!current.started) {
      // Someone is waiting for this one: move it to the front.
      this.queue = [current, ...this.queue.filter((j) => j !== current)];
      this.pump();
    }
    return current.result;
  }

  forget(transferId: string): void {
    this.jobs.delete(transferId);
  }

  cancel(transferId: string): void {
    const job = this.jobs.get(transferId);
    if (!job) return;
    this.jobs.delete(transferId);
    this.queue = this.queue.filter((j) => j !== job);
    job.cancel?.();
    job.reject(new Error('hash canceled'));
  }

  private pump(): void {
    while (this.running < MAX_PARALLEL_HASHES && this.queue.length > 0) {
      const job = this.queue.shift()!;
      job.started = true;
      this.running++;
      const hashing = sha256OnWorker(job.path);
      job.cancel = hashing.cancel;
      hashing.result.then(job.resolve, job.reject).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
