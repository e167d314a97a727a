// Reads a byte range of the staged copy as a request body stream, waiting on the engine's speed
// limits before passing bytes on and reporting them (progress, stall watchdog). While the staged
// copy is still being written, reads wait for the copy to get ahead. Chunks are read on demand
// with backpressure: memory stays flat, the body is never held whole.
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Readable, Transform } from 'node:stream';
import type { Throttle } from '../types';
import type { SentChunkPool } from './sent-chunk-pool';

export interface BodyMeter {
  /** Waits until `bytes` may pass under the speed limits. */
  throttle: Throttle;
  /** Called as each chunk is handed to the HTTP layer. */
  onBytes(bytes: number): void;
  /** Called each time the speed limit lets a slice through: slow, but not stalled. */
  onGranted?(): void;
  /** Resolves once the staged copy holds bytes [0, offset) (absent: the copy is complete). */
  available?(offset: number, signal: AbortSignal): Promise<void>;
  signal: AbortSignal;
}

/**
 * Large reads keep per-chunk costs (allocation, syscalls, callbacks) low: with 1-4 MiB chunks
 * Node sends a file with about the CPU time curl needs; with 64 KiB chunks, 3-4 times that.
 */
export const CHUNK_BYTES = 2 * 1024 * 1024;
/** The speed limit is asked in slices this big, so a slow limit still shows steady life. */
const THROTTLE_SLICE_BYTES = 64 * 1024;

/**
 * Bytes [start, end) of `filePath`. Destroying the returned stream closes the file. With `pool`
 * (body offset 0 = `start`; the sender reports written bytes to it) read buffers are reused.
 */
export function meteredStream(filePath: string, start: number, end: number, meter: BodyMeter, pool?: SentChunkPool): Readable {
  const source = new StagedFileReader(filePath, start, end, meter, pool);
  const gate = new Transform({
    highWaterMark: CHUNK_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      letThrough(chunk, meter, (part) => {
        meter.onBytes(part.length);
        this.push(part);
      }).then(
        () => callback(),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  // pipeline: an error or destroy on either side tears down both (the file is closed).
  return pipeline(source, gate, () => {});
}

/** Positional reads of [start, end), each waiting until the staged copy holds those bytes. */
class StagedFileReader extends Readable {
  private handle: FileHandle | undefined;
  private position: number;

  constructor(
    private readonly filePath: string,
    start: number,
    private readonly end: number,
    private readonly meter: BodyMeter,
    private readonly pool?: SentChunkPool,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    this.position = start;
    this.start = start;
  }

  private readonly start: number;

  override _read(): void {
    void this.readNext();
  }

  private async readNext(): Promise<void> {
    try {
      if (this.position >= this.end) {
        this.push(null);
        return;
      }
      const want = Math.min(CHUNK_BYTES, this.end - this.position);
      await this.meter.available?.(this.position + want, this.meter.signal);
      if (!this.handle) {
        const handle = await open(this.filePath, 'r');
        if (this.destroyed) {
          await handle.close();
          return;
        }
        this.handle = handle;
      }
      const buffer = this.pool ? this.pool.take(want, this.position + want - this.start) : Buffer.allocUnsafe(want);
      const { bytesRead } = await this.handle.read(buffer, 0, want, this.position);
      if (bytesRead === 0) throw new Error(`${this.filePath} ends at ${this.position} bytes, before ${this.end}`);
      this.position += bytesRead;
      // Only push here (and EOF at the top of the next read): push may call _read again at once.
      this.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
    } catch (err) {
      this.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return callback(error);
    handle.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}

/**
 * Asks the speed limit for `chunk` slice by slice. Unlimited, the chunk goes out whole (one
 * write); once the limit makes us wait, what was granted so far goes out before each wait, so
 * bytes and progress flow at the limited pace instead of in chunk-sized jumps.
 */
async function letThrough(chunk: Buffer, meter: BodyMeter, emit: (part: Buffer) => void): Promise<void> {
  let emitted = 0;
  for (let granted = 0; granted < chunk.length; ) {
    const slice = Math.min(THROTTLE_SLICE_BYTES, chunk.length - granted);
    const asked = performance.now();
    await meter.throttle(slice, meter.signal);
    meter.signal.throwIfAborted();
    meter.onGranted?.();
    if (performance.now() - asked > 1 && granted > emitted) {
      emit(chunk.subarray(emitted, granted));
      emitted = granted;
    }
    granted += slice;
  }
  if (emitted < chunk.length) emit(emitted === 0 ? chunk : chunk.subarray(emitted));
}
