// Reads a response body chunk by chunk, the stream paused only while the handler waits (the speed
// limit, a disk write): a handler that answers at once keeps the socket flowing. Not `for await`:
// Node's async iterator keeps chunks referenced across awaits long enough for V8 to promote them
// out of its young generation, where only a full collection frees them. Measured with a plain Node
// reader of 16 ranges of 1 GiB from nginx capped at 4 MiB/s per connection and a young collection
// every 4 MiB: `for await` peaked at 34 MiB of live socket buffers and 99 MB RSS, 'data' events
// with pause/resume at 12 MiB and 67 MB.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * Calls `handle` for every chunk in order; resolves when the body ended or `handle` answered false
 * (the caller wants no more; it destroys the stream itself), rejects with the stream's error (the
 * same errors `for await` would raise: a premature close is one) once the last handler is done.
 */
export function eachChunk(stream: Readable, handle: (chunk: Buffer) => boolean | Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending: Promise<unknown> = Promise.resolve();
    let stopped = false;
    const stop = (err?: unknown): void => {
      if (stopped) return;
      stopped = true;
      stream.off('data', onData);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onData = (chunk: Buffer): void => {
      if (stopped) return;
      let answer: boolean | Promise<boolean>;
      try {
        answer = handle(chunk);
      } catch (err) {
        stop(err);
        return;
      }
      if (answer === true) return;
      if (answer === false) return stop();
      stream.pause();
      pending = answer.then((more) => {
        if (!more) stop();
        else if (!stopped) stream.resume();
      }, stop);
    };
    finished(stream, { writable: false }).then(
      () => pending.then(() => stop()),
      (err: unknown) => pending.then(() => stop(err)),
    );
    stream.on('data', onData);
  });
}
