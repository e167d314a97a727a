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

/** Per transfer: started at staging, awaited by attempts, forgotten once recorded or discarded. */
export class StagedHashes {
  private readonly running = new Map<string, { path: string; result: Promise<string>; cancel(): void }>();

  start(transferId: string, filePath: string): void {
    this.cancel(transferId);
    this.running.set(transferId, { path: filePath, ...sha256OnWorker(filePath) });
  }

  /** The hash of `filePath` for this transfer, starting it if nothing is running (e.g. after a restart). */
  get(transferId: string, filePath: string): Promise<string> {
    const current = this.running.get(transferId);
    if (current && current.path === filePath) return current.result;
    this.start(transferId, filePath);
    return this.running.get(transferId)!.result;
  }

  forget(transferId: string): void {
    this.running.delete(transferId);
  }

  cancel(transferId: string): void {
    this.running.get(transferId)?.cancel();
    this.running.delete(transferId);
  }
}
