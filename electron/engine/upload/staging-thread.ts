// The code of the staging thread: one pass over the user's file that copies it into the staged
// copy and hashes it, publishing how far the copy has got so the upload can send those bytes
// meanwhile. The source is opened read-only and only read. After every chunk the source is
// checked (through the open handle: edited in place; through its path: replaced or deleted);
// a change ends the pass with CHANGED before the last chunk is released, so no reader ever gets
// the end of a copy that mixes two versions. The copy is fsynced before it is reported durable:
// a record may only call a staged copy complete once a crash cannot take bytes out of it. While
// an upload is sending the copy, that fsync waits a moment first: an upload that ends meanwhile
// (a fast link) deletes the copy, and forcing 1 GiB to disk only to delete it cost about a third
// of `ferry put`'s time (the process cannot exit while a thread is in fdatasync).
// Stopping is cooperative: a shared flag, checked at every step and waited on during the hold, so a
// stop also ends the hold at once and the thread closes its files itself on the way out.
// Without a target the thread only hashes (a reflinked copy, complete already).
//
// Plain CommonJS run with `eval`, so it works the same under tsx, vitest and an esbuild bundle
// (no separate worker file to ship). Synchronous I/O is fine on its own thread.

export interface StagingThreadData {
  /** The user's file (copy) or the staged copy (hash only). */
  source: string;
  /** Where to write the copy; absent: hash `source` only. */
  target?: string;
  /** Bytes to copy/hash: the source's size when it was checked. */
  size: number;
  /** The source's mtime when it was checked: any other one means it changed since. */
  sourceMtimeMs?: number;
  /** Bytes between progress messages (each after a check of the source). */
  chunkBytes: number;
  /** Tests: a slow disk, this many milliseconds after each chunk, so a test can edit the source mid-copy. */
  pauseMs?: number;
  /**
   * Tests: a disk stepped by hand. After releasing its n-th chunk the copy goes on only once
   * gate[0] >= n (or a stop), so a test acts mid-copy however fast or loaded the machine is.
   */
  gate?: Int32Array;
  /**
   * Shared with the parent: [STOP] set = stop at the next step; [HOLD] set = an upload is reading
   * the copy; [SYNCING] set by the thread = past its last step but the fsync of the complete copy.
   */
  control: Int32Array;
  /** With HOLD set, how long the fsync of a complete copy waits for a STOP (the upload ending). */
  syncHoldMs: number;
}

/** Indexes into StagingThreadData.control. */
export const STAGING_STOP = 0;
export const STAGING_HOLD = 1;
export const STAGING_SYNCING = 2;
export const STAGING_CONTROL_SLOTS = 3;

export type StagingThreadMessage =
  /** Bytes [0, bytes) are in the staged copy and come from one version of the source (so far). */
  | { type: 'progress'; bytes: number }
  /** The whole copy is written and the source was unchanged from first to last byte. */
  | { type: 'copied'; sha256: string }
  /** ... and it is on disk (fsynced). */
  | { type: 'durable' }
  | { type: 'error'; stage: string; code?: string; message: string };

export const STAGING_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { source, target, size, sourceMtimeMs, chunkBytes, pauseMs, gate, control, syncHoldMs } = workerData;
const STOP = ${STAGING_STOP}, HOLD = ${STAGING_HOLD}, SYNCING = ${STAGING_SYNCING};
// Read, hash and write in steps that stay in the CPU's cache: with 2 MiB steps each byte comes
// back from memory for the hash and again for the write, which measured 2-3x the CPU time.
const stepBytes = 64 * 1024;
const fail = (code, message) => Object.assign(new Error(message), { code });
let stage = 'open-source';
const stopRequested = () => Atomics.load(control, STOP) !== 0;

const sameVersion = (a, b) =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino && a.dev === b.dev;

function checkUnchanged(fd, first) {
  stage = 'verify';
  let byPath;
  try { byPath = fs.statSync(source); } catch { throw fail('CHANGED', 'source gone'); }
  if (!sameVersion(fs.fstatSync(fd), first) || !sameVersion(byPath, first)) throw fail('CHANGED', 'source changed');
}

function writeAll(fd, buffer, length, position) {
  for (let written = 0; written < length; ) {
    written += fs.writeSync(fd, buffer, written, length - written, position + written);
  }
}

function copyAndHash() {
  const src = fs.openSync(source, 'r');
  try {
    const first = fs.fstatSync(src);
    if (first.size !== size || (sourceMtimeMs !== undefined && first.mtimeMs !== sourceMtimeMs)) {
      throw fail('CHANGED', 'source changed since it was checked');
    }
    stage = 'write';
    // A read-only partial copy left by a crash could not be opened for writing again.
    fs.rmSync(target, { force: true });
    const dst = fs.openSync(target, 'w', 0o600);
    try {
      const buffer = Buffer.allocUnsafe(Math.min(stepBytes, Math.max(1, size)));
      const hash = createHash('sha256');
      let released = 0;
      let chunks = 0;
      for (let done = 0; done < size; ) {
        if (stopRequested()) return false;
        stage = 'read';
        const n = fs.readSync(src, buffer, 0, Math.min(buffer.length, size - done), done);
        if (n === 0) throw fail('CHANGED', 'source ended early');
        hash.update(buffer.subarray(0, n));
        stage = 'write';
        writeAll(dst, buffer, n, done);
        done += n;
        // The last chunk is released only by 'copied', after the final check below.
        if (done - released >= chunkBytes && done < size) {
          checkUnchanged(src, first);
          parentPort.postMessage({ type: 'progress', bytes: done });
          released = done;
          if (pauseMs) Atomics.wait(control, STOP, 0, pauseMs);
          chunks++;
          // StagingJob notifies the gate when it stops the thread; the timeout covers a stop set
          // between the look at STOP and the wait.
          for (let open; gate && !stopRequested() && (open = Atomics.load(gate, 0)) < chunks; ) Atomics.wait(gate, 0, open, 50);
        }
      }
      checkUnchanged(src, first);
      parentPort.postMessage({ type: 'copied', sha256: hash.digest('hex') });
      if (Atomics.load(control, HOLD) !== 0) Atomics.wait(control, STOP, 0, syncHoldMs);
      // Said before the last look at STOP: a parent that stops the thread and then sees SYNCING
      // clear knows this look will see its STOP, so the thread closes its files without an fsync.
      Atomics.store(control, SYNCING, 1);
      if (stopRequested()) return false;
      stage = 'sync';
      fs.fdatasyncSync(dst);
      return true;
    } finally {
      fs.closeSync(dst);
    }
  } finally {
    fs.closeSync(src);
  }
}

function hashOnly() {
  stage = 'hash';
  const fd = fs.openSync(source, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(stepBytes, Math.max(1, size)));
    const hash = createHash('sha256');
    for (let done = 0; done < size; ) {
      if (stopRequested()) return false;
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - done), done);
      if (n === 0) throw fail('SHORT', 'staged copy ended early');
      hash.update(buffer.subarray(0, n));
      done += n;
    }
    parentPort.postMessage({ type: 'copied', sha256: hash.digest('hex') });
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

try {
  // false: stopped by the parent, which has stopped listening; nothing more to say.
  if (target ? copyAndHash() : hashOnly()) parentPort.postMessage({ type: 'durable' });
} catch (err) {
  parentPort.postMessage({ type: 'error', stage, code: err.code, message: err.message });
}
`;
