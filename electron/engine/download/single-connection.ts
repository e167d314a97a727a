// One connection's body streamed into the .part from where it starts, hashed on the way when a
// SHA-256 was asked for and the file starts at byte 0, with the offset recorded only after fsync.
// Kept apart from the segmented path and from the response checks: this is how one stream of
// bytes becomes durable progress.
import { createHash } from 'node:crypto';
import { createStallWatchdog } from '../stall-watchdog';
import type { AttemptState } from './attempt-state';
import { DurableCheckpointer, pumpBody } from './body-pump';
import { fileSystemFailure } from './failures';
import { responseBody, type OpenedResponse } from './http-request';

export interface SingleConnectionOptions {
  checkpointIntervalMs: number;
  /** No bytes for the stall timeout (time spent waiting on the speed limit excepted). */
  onStall(): void;
}

/** Receives the whole body into `state.writer`; returns the SHA-256 (hex) when it was hashed. */
export async function receiveSingle(
  state: AttemptState,
  opened: OpenedResponse,
  signal: AbortSignal,
  options: SingleConnectionOptions,
  /** Told where the durable prefix ends at each checkpoint (prefix-hasher.ts); [0, start) is from before. */
  durablePrefix?: (end: number) => void,
  /** Hash in the stream from byte 0 even without a SHA-256 to check (a small file: no thread for it). */
  hashInStream = false,
): Promise<string | undefined> {
  const { ctx, facts } = state;
  const writer = state.writer!;
  const sha256 = state.request.sha256;
  const hash = (sha256 || hashInStream) && writer.start === 0 ? createHash('sha256') : undefined;
  const checkpointer = new DurableCheckpointer(
    writer,
    async (offset) => {
      facts.done = offset;
      await state.checkpoint();
      durablePrefix?.(offset);
    },
    options.checkpointIntervalMs,
  );
  let throttling = false;
  const watchdog = createStallWatchdog(ctx.stallTimeoutMs, options.onStall);
  const holdOff = setInterval(() => throttling && watchdog.kick(), 100);
  const total = facts.totalBytes;
  try {
    await pumpBody({
      source: responseBody(opened),
      writer,
      signal,
      throttle: (bytes, s) => ctx.throttle(bytes, s),
      onThrottleWait: (waiting) => {
        throttling = waiting;
      },
      onBytes: (received) => {
        watchdog.kick();
        ctx.progress(received, total);
      },
      hash,
      checkpointer,
    });
  } catch (err) {
    // Whatever stopped us, what reached the disk is real progress: make it durable and record it.
    await checkpointer.flush().catch(() => undefined);
    throw err;
  } finally {
    watchdog.stop();
    clearInterval(holdOff);
  }
  try {
    await checkpointer.flush();
  } catch (err) {
    throw fileSystemFailure(err, facts.partPath ?? '');
  }
  return hash?.digest('hex');
}
