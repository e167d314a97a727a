// Writes one connection's bytes at their offsets in the shared .part file. Socket chunks are
// gathered into writes of up to 1 MiB (each write is a thread-pool round trip, see PartWriter);
// gathered bytes wait at most HOLD_MS, so a slow connection still reaches the disk promptly.
import type { FileHandle } from 'node:fs/promises';
import { dropBytes } from './part-file';

const MAX_BATCH_BYTES = 1 << 20;
const MIN_BATCH_BYTES = 128 << 10;
/** What all connections of one download may hold between writes together (memory stays flat). */
const HELD_BUDGET_BYTES = 4 << 20;
const HOLD_MS = 50;

/** Batch size for one of `connections`: 1 MiB alone, 256 KiB each with 16. */
export function batchBytesFor(connections: number): number {
  return Math.max(MIN_BATCH_BYTES, Math.min(MAX_BATCH_BYTES, Math.floor(HELD_BUDGET_BYTES / Math.max(1, connections))));
}

export class RangeWriter {
  private chain: Promise<void> = Promise.resolve();
  private held: Buffer[] = [];
  private heldBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly handle: FileHandle,
    private position: number,
    /** Called after each completed write with its length (the bytes are written, not yet durable). */
    private readonly onWritten: (bytes: number) => void,
    private readonly batchBytes = MAX_BATCH_BYTES,
  ) {}

  /** Returns a promise to wait for when the caller should hold back (a batch is being written). */
  push(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= this.batchBytes) return this.writeHeld();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.writeHeld().catch((err: unknown) => {
        this.failure ??= err as Error;
      });
    }, HOLD_MS);
    return undefined;
  }

  /** Writes what is held and waits for every write; rejects if any failed. */
  async drain(): Promise<void> {
    await this.writeHeld();
    if (this.failure) throw this.failure;
  }

  /** Forgets held bytes (after an abort: they were never counted). */
  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
    this.heldBytes = 0;
  }

  private writeHeld(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (batch.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      let buffers = batch;
      while (buffers.length > 0) {
        const { bytesWritten } = await this.handle.writev(buffers, this.position);
        this.position += bytesWritten;
        this.onWritten(bytesWritten);
        buffers = dropBytes(buffers, bytesWritten);
      }
    });
    // Marked handled: a failed write is reported by the next push() or drain(), never as an
    // unhandled rejection (after an abort nobody may wait for it).
    this.chain.catch(() => undefined);
    return this.chain;
  }

  /** After an abort: forget held bytes and wait for a write in flight, whatever its outcome. */
  async settle(): Promise<void> {
    this.drop();
    await this.chain.catch(() => undefined);
  }
}
