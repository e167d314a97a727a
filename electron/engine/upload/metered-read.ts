// Reads a byte range of the staged copy for a request body, one chunk at a time, waiting on the
// engine's speed limits before each chunk and reporting every chunk (progress, stall watchdog).
// Reading on demand keeps memory flat: the body is never held whole.
import { createReadStream } from 'node:fs';

export interface BodyMeter {
  /** Waits until `bytes` may pass under the speed limits. */
  throttle(bytes: number, signal: AbortSignal): Promise<void>;
  /** Called after each chunk was handed to the HTTP layer. */
  onBytes(bytes: number): void;
  signal: AbortSignal;
}

const CHUNK_BYTES = 256 * 1024;

/** Bytes [start, end) of `filePath`. */
export async function* readMetered(filePath: string, start: number, end: number, meter: BodyMeter): AsyncGenerator<Buffer> {
  if (end <= start) return;
  const stream = createReadStream(filePath, { start, end: end - 1, highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      await meter.throttle(buf.length, meter.signal);
      meter.signal.throwIfAborted();
      yield buf;
      meter.onBytes(buf.length);
    }
  } finally {
    stream.destroy();
  }
}
