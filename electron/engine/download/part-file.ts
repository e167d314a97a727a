// The .part file beside the target: created exclusively, written sequentially through one large
// buffered stream, fsync'd before any offset describing it is recorded, and moved to a free final
// name only when complete. An existing file is never overwritten, and a link is never followed
// (part-identity.ts: reopening the .part is there).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { BatchWriter } from './batch-writer';
import { ensureDownloadFolder } from './ensure-folder';
import { MAX_NAME_BYTES, numberedName } from './filename';
import { partNameForeign, PartReplaced, removeOwnPart, type PartIdentity } from './part-identity';

export const PART_SUFFIX = '.part';
const WRITE_HIGH_WATER_MARK = 1 << 20;
const MAX_NAME_ATTEMPTS = 10_000;

/** Creates a new empty `<name>.part` (or `<name (n)>.part` when another download holds that one). */
export async function createPartFile(directory: string, fileName: string): Promise<{ partPath: string; handle: FileHandle }> {
  await ensureDownloadFolder(directory);
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const partPath = path.join(directory, numberedName(fileName, n, MAX_NAME_BYTES - PART_SUFFIX.length) + PART_SUFFIX);
    try {
      // Read and write: a mirror's bytes are compared with the ones this attempt wrote (source-check.ts).
      return { partPath, handle: await open(partPath, 'wx+') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw Object.assign(new Error(`No free .part name for ${fileName} in ${directory}`), { code: 'EEXIST' });
}

/**
 * Sequential writer from `start`. Its own Writable (not fs.WriteStream) because destroying a
 * pipeline must not close the file: after an error or abort we still fsync and record the offset.
 * Bytes are only durable after `sync()` reports them. Chunks are gathered into large writes by a
 * BatchWriter (batch-writer.ts says why and how); gathered bytes are not counted in `written`
 * until written, and sync() writes them first, so an abort loses none.
 */
export class PartWriter {
  readonly stream: Writable;
  private readonly batch: BatchWriter;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    /** Where this run of writes began (received bytes are counted from here). */
    public start: number,
  ) {
    this.batch = new BatchWriter(handle, start);
    const accept = async (chunks: Buffer[]): Promise<void> => {
      for (const chunk of chunks) {
        if (this.closed) return;
        const wait = this.batch.push(chunk);
        if (wait) await wait;
      }
    };
    this.stream = new Writable({
      highWaterMark: WRITE_HIGH_WATER_MARK,
      write: (chunk: Buffer, _enc, callback) => accept([chunk]).then(() => callback(), callback),
      writev: (chunks, callback) => accept(chunks.map((c) => c.chunk as Buffer)).then(() => callback(), callback),
      final: (callback) => {
        this.batch.drain().then(() => callback(), callback);
      },
    });
  }

  /**
   * Takes one chunk without a stream in between (body-pump.ts): copied into the batch at once;
   * returns a promise to wait for when the caller should hold back (a write must end first).
   */
  push(chunk: Buffer): Promise<void> | undefined {
    if (this.closed) return undefined;
    return this.batch.push(chunk);
  }

  /** Writes what is gathered and waits for every write; rejects if any failed. */
  drain(): Promise<void> {
    return this.batch.drain();
  }

  /** The file itself, for segmented downloads that write at many offsets (this writer stays its owner). */
  get fileHandle(): FileHandle {
    return this.handle;
  }

  /** Offset of the first byte not yet written (durable only after sync). */
  get written(): number {
    return this.batch.written;
  }

  /** Writes what is held, waits for the writes, flushes to disk; returns the offset now safe to record. */
  async sync(): Promise<number> {
    // A failed write shows in `written` (it stops before the failure) and in the stream's error.
    await this.batch.drain().catch(() => undefined);
    const written = this.batch.written;
    await this.handle.datasync();
    return written;
  }

  /** Only before writing: cut the file and begin the run of writes at `length`. */
  async truncate(length: number): Promise<void> {
    await this.batch.settle();
    await this.handle.truncate(length);
    this.batch.moveTo(length);
    this.start = length;
  }

  async close(): Promise<void> {
    if (!this.stream.destroyed) this.stream.destroy();
    // Anything still held was never synced nor reported: dropped like the stream's own buffer.
    this.closed = true;
    await this.batch.settle();
    this.batch.release();
    await this.handle.close().catch(() => undefined);
  }
}

export async function sha256OfFile(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: WRITE_HIGH_WATER_MARK, signal })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * Moves the finished .part to `name.ext`, else `name (1).ext`, ... . link() fails atomically when the
 * name exists, so a file that appeared meanwhile is never overwritten. Filesystems without hard
 * links fall back to a check followed by rename. `own` is the .part Ferry wrote: if the name was
 * pointed elsewhere meanwhile (a link, another file), the new name is taken back at once and
 * PartReplaced is thrown, so no finished download is ever a link or someone else's file.
 */
export async function moveToFreeName(partPath: string, directory: string, fileName: string, own: PartIdentity): Promise<string> {
  for (let n = 0; n < MAX_NAME_ATTEMPTS; n++) {
    const target = path.join(directory, numberedName(fileName, n));
    if (target === partPath) continue;
    try {
      await link(partPath, target);
      await requireOwnFile(target, partPath, own);
      await removeOwnPart(partPath, own);
      await syncDirectory(directory);
      return target;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await isSameFile(target, own))) {
        // Our own link from a run killed between link and unlink: finish that move, take no new name.
        await removeOwnPart(partPath, own);
        await syncDirectory(directory);
        return target;
      }
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
      if (await exists(target)) continue;
      const foreign = await partNameForeign(partPath, own);
      if (foreign) throw new PartReplaced(partPath, foreign);
      await rename(partPath, target);
      await requireOwnFile(target, partPath, own);
      await syncDirectory(directory);
      return target;
    }
  }
  throw Object.assign(new Error(`No free name for ${fileName} in ${directory}`), { code: 'EEXIST' });
}

/** After linking or renaming: the new name must be Ferry's file, else it is removed again (what it names stays as it was). */
async function requireOwnFile(target: string, partPath: string, own: PartIdentity): Promise<void> {
  const foreign = await partNameForeign(target, own);
  if (!foreign) return;
  await unlink(target).catch(() => undefined);
  throw new PartReplaced(partPath, foreign);
}

/** lstat, not stat: a link under the final name is never taken for the file it points to. */
async function isSameFile(filePath: string, own: PartIdentity): Promise<boolean> {
  return (await partNameForeign(filePath, own)) === undefined;
}

async function exists(filePath: string): Promise<boolean> {
  return lstat(filePath).then(
    () => true,
    () => false,
  );
}

/** Makes a rename durable before the record says "completed". Best effort: not every OS can fsync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Windows cannot open directories this way; NTFS journals the rename itself.
  }
}

/**
 * After a crash between the final rename and the checkpoint that records it, the .part is gone
 * and the file sits under one of the names moveToFreeName tries. It is ours only if it is the
 * same inode the .part had (a hard link/rename keeps it), never merely a file of the same size.
 */
export async function findFinishedByInode(directory: string, fileName: string, inode: number, size: number): Promise<string | undefined> {
  for (let n = 0; n < 100; n++) {
    const candidate = path.join(directory, numberedName(fileName, n));
    try {
      const facts = await lstat(candidate);
      if (facts.isFile() && facts.ino === inode && facts.size === size) return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && n > 0) return undefined;
    }
  }
  return undefined;
}

export async function removeIfExists(filePath: string | undefined): Promise<void> {
  if (!filePath) return;
  await unlink(filePath).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
