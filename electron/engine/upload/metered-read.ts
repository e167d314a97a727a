// Reads a byte range of the staged copy as a request body stream, waiting on the engine's speed
// limits before passing each chunk on and reporting every chunk (progress, stall watchdog).
// A plain file stream piped with backpressure: memory stays flat, the body is never held whole.
import { createReadStream } from 'node:fs';
import { PassThrough, pipeline, Transform, type Readable } from 'node:stream';

export interface BodyMeter {
  /** Waits until `bytes` may pass under the speed limits. */
  throttle(bytes: number, signal: AbortSignal): Promise<void>;
  /** Called as each chunk is handed to the HTTP layer. */
  onBytes(bytes: number): void;
  /** Called each time the speed limit lets a slice through: slow, but not stalled. */
  onGranted?(): void;
  signal: AbortSignal;
}

/**
 * Large reads keep per-chunk costs (allocation, syscalls, callbacks) low: with 1-4 MiB chunks
 * Node sends a file with about the CPU time curl needs; with 64 KiB chunks, 3-4 times that.
 */
const CHUNK_BYTES = 2 * 1024 * 1024;
/** The speed limit is asked in slices this big, so a slow limit still shows steady life. */
const THROTTLE_SLICE_BYTES = 64 * 1024;

/** Bytes [start, end) of `filePath`. Destroying the returned stream closes the file. */
export function meteredStream(filePath: string, start: number, end: number, meter: BodyMeter): Readable {
  if (end <= start) {
    const empty = new PassThrough();
    empty.end();
    return empty;
  }
  const source = createReadStream(filePath, { start, end: end - 1, highWaterMark: CHUNK_BYTES });
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
