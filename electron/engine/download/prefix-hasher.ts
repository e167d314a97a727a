// The SHA-256 of a download's file, computed while it is written and off the main thread. SHA-256
// only takes bytes in order, and several connections write out of order (a segmented download; a
// download resumed at an offset wrote its start in an earlier run), so this hashes the file's
// contiguous durable prefix as it grows: at each checkpoint a hashing thread reads the bytes
// between what it has hashed and the end of the prefix through the .part's own descriptor, moments
// after they were written (from the page cache, not the disk, on any machine with memory to spare)
// and while the network is the slow part. At the end only what the last checkpoint had not yet made
// durable is left to hash. Hashing on the main thread, in the write path, cost a single loopback
// connection ~40 % of its speed (one core: 512 MiB in 4.0 s became 6.8 s); on its own thread it
// uses the second core.
//
// The thread is plain CommonJS run with `eval` (as staging-thread.ts), so it works the same under
// tsx, vitest and the esbuild bundle. It shares the process's descriptor table, so it reads the
// very file the writer holds open (never a path someone could point elsewhere).
import { Worker } from 'node:worker_threads';
import type { FileHandle } from 'node:fs/promises';

const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const fd = workerData.fd;
const hash = createHash('sha256');
// Steps that stay in the CPU's cache: the bytes are read once and hashed while still there.
const buffer = Buffer.allocUnsafe(256 * 1024);
let hashed = 0;
let readBack = 0;
let failed = null;
function catchUp(end) {
  while (!failed && hashed < end) {
    const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, end - hashed), hashed);
    if (n === 0) { failed = 'the file ends at ' + hashed + ' bytes'; break; }
    hash.update(buffer.subarray(0, n));
    hashed += n;
    readBack += n;
  }
}
parentPort.on('message', (m) => {
  try {
    catchUp(m.end);
  } catch (e) {
    failed = String(e && e.message || e);
  }
  if (m.type === 'digest') {
    parentPort.postMessage(failed || hashed !== m.end ? { type: 'digest', error: failed || 'incomplete', readBack } : { type: 'digest', sha256: hash.digest('hex'), readBack });
  }
});
`;

export class PrefixHasher {
  private readonly worker: Worker;
  private target = 0;
  private ended = false;
  /** Bytes the thread read back from the file to hash them (known after digest()). */
  bytesReadBack = 0;

  constructor(handle: FileHandle) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { fd: handle.fd } });
    // An idle hashing thread must not keep a process (a `ferry get` that is done) alive.
    this.worker.unref();
    this.worker.on('error', () => {
      this.ended = true;
    });
  }

  /** The file's bytes [0, end) are durable: the thread hashes up to there. */
  advanceTo(end: number): void {
    if (this.ended || end <= this.target) return;
    this.target = end;
    this.worker.postMessage({ type: 'advance', end });
  }

  /** The SHA-256 (hex) of [0, total) once every byte of it is written; undefined when reading failed. Ends the thread. */
  async digest(total: number): Promise<string | undefined> {
    if (this.ended) return undefined;
    const answer = new Promise<{ sha256?: string; readBack: number } | undefined>((resolve) => {
      this.worker.once('message', resolve);
      this.worker.once('error', () => resolve(undefined));
      this.worker.once('exit', () => resolve(undefined));
    });
    this.worker.postMessage({ type: 'digest', end: total });
    const reply = await answer;
    this.dispose();
    this.bytesReadBack = reply?.readBack ?? 0;
    return reply?.sha256;
  }

  /** Stops the thread (an attempt that ended without a digest): it must not read a closed descriptor. */
  dispose(): void {
    if (this.ended) return;
    this.ended = true;
    void this.worker.terminate();
  }
}
