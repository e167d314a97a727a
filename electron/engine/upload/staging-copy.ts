// The copy into the staging folder, made in the background so the upload can start while it is
// still being written: the uploader reads only the staged copy, never the source, and waits for
// bytes the copy has not reached yet. Where the file system can clone (reflink), no copy runs.
// The source is opened read-only, once, and only read.
import { open, type FileHandle } from 'node:fs/promises';
import { TransferFailure } from '../types';

const COPY_CHUNK_BYTES = 4 * 1024 * 1024;

export class StagingCopy {
  private copiedBytes = 0;
  private failure: TransferFailure | undefined;
  private finished = false;
  private readonly waiters = new Set<() => void>();
  private readonly controller = new AbortController();
  /** Settles when the copy is complete (or failed, or canceled). */
  readonly done: Promise<void>;

  constructor(
    readonly sourcePath: string,
    readonly stagedPath: string,
    /** Bytes to copy: the source's size when it was checked. */
    readonly size: number,
  ) {
    this.done = this.run();
    this.done.catch(() => {});
  }

  get copied(): number {
    return this.copiedBytes;
  }

  /** Resolves once bytes [0, offset) are in the staged copy; rejects if the copy failed. */
  async waitFor(offset: number, signal?: AbortSignal): Promise<void> {
    while (this.copiedBytes < offset) {
      if (this.failure) throw this.failure;
      if (this.finished) throw stagingFailure(`The staged copy ends at ${this.copiedBytes} bytes, before ${offset}`);
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  /** Stops copying (cancel/remove); `done` then rejects. */
  cancel(): void {
    this.controller.abort();
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private async run(): Promise<void> {
    let source: FileHandle | undefined;
    let target: FileHandle | undefined;
    try {
      source = await open(this.sourcePath, 'r');
      target = await open(this.stagedPath, 'w');
      // One buffer: each write finishes before the next read reuses it.
      const buffer = Buffer.allocUnsafe(Math.min(COPY_CHUNK_BYTES, Math.max(1, this.size)));
      while (this.copiedBytes < this.size) {
        if (this.controller.signal.aborted) throw stagingFailure('Staging was canceled');
        const want = Math.min(buffer.length, this.size - this.copiedBytes);
        const { bytesRead } = await source.read(buffer, 0, want, this.copiedBytes);
        if (bytesRead === 0) {
          throw new TransferFailure({
            code: 'SOURCE_UNREADABLE',
            message: `${this.sourcePath} got shorter while Ferry was staging it; retry to stage it again`,
            retryable: false,
          });
        }
        let written = 0;
        while (written < bytesRead) {
          const { bytesWritten } = await target.write(buffer, written, bytesRead - written, this.copiedBytes + written);
          written += bytesWritten;
        }
        this.copiedBytes += bytesRead;
        this.notify();
      }
      this.finished = true;
    } catch (err) {
      this.failure = copyFailure(err, this.sourcePath);
      throw this.failure;
    } finally {
      this.finished = true;
      await source?.close().catch(() => {});
      await target?.close().catch(() => {});
      this.notify();
    }
  }
}

function stagingFailure(message: string): TransferFailure {
  return new TransferFailure({ code: 'FILE_SYSTEM', message, retryable: false });
}

function copyFailure(err: unknown, sourcePath: string): TransferFailure {
  if (err instanceof TransferFailure) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const message = (err as Error).message;
  if (code === 'ENOSPC') {
    return new TransferFailure({ code: 'NO_SPACE_FOR_STAGING', message: 'The disk filled up while staging the upload', retryable: false });
  }
  if (code === 'ENOENT' && message.includes(sourcePath)) {
    return new TransferFailure({ code: 'SOURCE_UNREADABLE', message: `${sourcePath} disappeared before Ferry could stage it`, retryable: false });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EIO') {
    return new TransferFailure({ code: 'SOURCE_UNREADABLE', message: `Cannot stage ${sourcePath}: ${message}`, retryable: false });
  }
  return stagingFailure(`Could not stage ${sourcePath}: ${message}`);
}
