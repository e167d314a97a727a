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
  signal: AbortSignal;
}

/** 1 MiB reads: few enough chunks that per-chunk work (limits, progress) costs nothing. */
const CHUNK_BYTES = 1024 * 1024;

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
      meter.throttle(chunk.length, meter.signal).then(
        () => {
          meter.onBytes(chunk.length);
          callback(null, chunk);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  // pipeline: an error or destroy on either side tears down both (the file is closed).
  return pipeline(source, gate, () => {});
}
