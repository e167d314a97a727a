// Positional writes of one run of bytes into a file (the whole .part for one connection, or one
// range of it for a segmented download), gathered into large writes through two reused buffers.
//
// Why gather: each write is a thread-pool round trip; writing whichever socket chunk (64 KiB or
// less) arrived while the disk was idle meant twice as many writes (1 GiB from loopback nginx:
// 2.25 s -> 1.8 s with 1 MiB batches). Gathered bytes wait at most HOLD_MS, so a slow connection
// still reaches the disk promptly.
// Why copy into two fixed buffers instead of keeping the chunks: a chunk kept for a batch lives
// long enough to be promoted out of V8's young generation, and promoted socket buffers are freed
// only by a full collection, tens of MiB later (16 connections at 4 MiB/s each peaked at ~130 MB
// RSS). Copied, every chunk dies at once and the buffer reclaimer's young collections free it;
// the memory held is these two buffers, filled while the other is written.
import type { FileHandle } from 'node:fs/promises';

/** Sequential writes (one connection appending to the .part). */
const SEQUENTIAL_BATCH_BYTES = 1 << 20;
/**
 * Writes at offsets inside the preallocated .part of a segmented download. Larger batches cost
 * kernel time there (1 GiB from loopback nginx on one connection: 128-256 KiB 0.8 s of system
 * time, 512 KiB 1.3-1.6 s, 1 MiB 1.7-2.0 s; appending, 1 MiB is the fastest: 0.7 s).
 */
const RANGE_MAX_BATCH_BYTES = 256 << 10;
const RANGE_MIN_BATCH_BYTES = 128 << 10;
/** What all connections of one download may gather between writes together (memory stays flat). */
const HELD_BUDGET_BYTES = 2 << 20;
const HOLD_MS = 50;
/** Spare buffers kept per size: two for each of 16 connections. */
const POOL_PER_SIZE = 32;

/**
 * Buffers of writers that finished, for the next writers. A segmented download starts a writer per
 * range it hands out (hundreds per GiB with splits); fresh buffers each time would be long-lived
 * garbage that only a full collection frees.
 */
const pool = new Map<number, Buffer[]>();

function acquire(size: number): Buffer {
  return pool.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

function release(buffer: Buffer | undefined): void {
  if (!buffer) return;
  const spare = pool.get(buffer.length) ?? [];
  if (spare.length < POOL_PER_SIZE) spare.push(buffer);
  pool.set(buffer.length, spare);
}

/** Batch size for one range writer of `connections`: 256 KiB up to 8, 128 KiB with 16 (each writer has two). */
export function batchBytesFor(connections: number): number {
  return Math.max(RANGE_MIN_BATCH_BYTES, Math.min(RANGE_MAX_BATCH_BYTES, Math.floor(HELD_BUDGET_BYTES / Math.max(1, connections))));
}

export class BatchWriter {
  /** The buffer being filled and the other one (written, or waiting to be filled next). */
  private fill: Buffer | undefined;
  private other: Buffer | undefined;
  private filled = 0;
  /** Set while `fill` is still being written by an earlier batch; copying into it must wait. */
  private fillBusy: Promise<void> | undefined;
  /** Writes run one after another; a failed write fails every later one (the position is unknown). */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly handle: FileHandle,
    /** Offset of the first byte not yet written (durable only after the caller's fsync). */
    private position: number,
    /** Called after each completed write with its length (the bytes are written, not yet durable). */
    private readonly onWritten: (bytes: number) => void = () => undefined,
    private readonly batchBytes = SEQUENTIAL_BATCH_BYTES,
  ) {}

  /** Offset after the last completed write. */
  get written(): number {
    return this.position;
  }

  /** Copies the chunk in; returns a promise to wait for when the caller should hold back. */
  push(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.fillBusy) return this.fillBusy.then(() => this.push(chunk));
    const fill = (this.fill ??= acquire(this.batchBytes));
    const copied = chunk.copy(fill, this.filled);
    this.filled += copied;
    if (this.filled < this.batchBytes) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.handOff().catch(() => undefined);
      }, HOLD_MS);
      return undefined;
    }
    const written = this.handOff();
    // The rest of a chunk larger than what fit goes into the other buffer once it is free.
    if (copied < chunk.length) return this.push(chunk.subarray(copied));
    return this.fillBusy ?? written.then(() => undefined);
  }

  /**
   * Writes what is gathered now instead of after HOLD_MS (a checkpoint is about to count the
   * written bytes). Resolves when that and every earlier write ended; a failure is drain()'s to report.
   */
  writeHeld(): Promise<void> {
    return this.handOff().catch(() => undefined);
  }

  /** Writes what is gathered and waits for every write; rejects if any failed. */
  async drain(): Promise<void> {
    await this.handOff();
    if (this.failure) throw this.failure;
  }

  /** Forgets gathered bytes (after an abort: they were never counted). */
  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.filled = 0;
  }

  /** After an abort: forget gathered bytes and wait for a write in flight, whatever its outcome. */
  async settle(): Promise<void> {
    this.drop();
    await this.chain.catch(() => undefined);
  }

  /** When done, after drain() or settle() resolved: the buffers go back for the next writer. */
  release(): void {
    this.drop();
    release(this.fill);
    release(this.other);
    this.fill = undefined;
    this.other = undefined;
  }

  /** Only while nothing is gathered or in flight: later writes begin at `position`. */
  moveTo(position: number): void {
    this.position = position;
  }

  /**
   * Queues the filled buffer as one write and switches to the other buffer, which is free once
   * the write before this one is done. Resolves when this write (and every write before it) is.
   */
  private handOff(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.filled === 0 || !this.fill) return this.chain;
    const buffer = this.fill;
    const length = this.filled;
    const before = this.chain;
    const write = before.then(() => this.writeAll(buffer, length));
    write.catch((err: unknown) => {
      this.failure ??= err as Error;
    });
    this.chain = write;
    this.fill = this.other;
    this.other = buffer;
    this.filled = 0;
    const busy = before.then(
      () => undefined,
      () => undefined,
    );
    this.fillBusy = busy;
    void busy.then(() => {
      if (this.fillBusy === busy) this.fillBusy = undefined;
    });
    return write;
  }

  private async writeAll(buffer: Buffer, length: number): Promise<void> {
    let offset = 0;
    while (offset < length) {
      const { bytesWritten } = await this.handle.write(buffer, offset, length - offset, this.position);
      this.position += bytesWritten;
      offset += bytesWritten;
      this.onWritten(bytesWritten);
    }
  }
}
