// Moves the response body into the .part file at disk speed: each socket chunk passes the speed
// limit, progress, hash and stall kick, then is copied into the PartWriter's batch (1 MiB writes).
// Offsets are recorded only after fsync, about once a second, in the background; in between the
// file is fsync'd every 32 MiB so that little is left for the final fsync.
import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Throttle } from '../types';
import { eachChunk } from './chunk-reader';
import type { PartWriter } from './part-file';

/**
 * See DurableCheckpointer. Measured on 1 GiB from loopback nginx: the final fsync fell from
 * ~0.19 s (synced once a second) to ~5 ms; 8 MiB steps cost more fsync time than they saved.
 */
export const SYNC_EVERY_BYTES = 32 << 20;

/**
 * fsync + record, serialized; periodic calls never block the data path.
 * Two cadences: the offset is recorded about once per `everyMs`, but the file is also fsync'd
 * (without recording) whenever `syncEveryBytes` more have been written. A download at disk speed
 * otherwise piles up a second of dirty page cache that the final fsync, which the user waits
 * for, must write back alone; synced in steps, the kernel writes it back while bytes still arrive.
 */
export class DurableCheckpointer {
  private inFlight: Promise<void> | undefined;
  private lastAt = Date.now();
  private lastRecorded = -1;
  private lastSynced: number;
  error: unknown;

  constructor(
    private readonly writer: PartWriter,
    private readonly record: (durableOffset: number) => Promise<void>,
    private readonly everyMs: number,
    private readonly syncEveryBytes = SYNC_EVERY_BYTES,
  ) {
    this.lastSynced = writer.written;
  }

  /** Starts a background checkpoint (or a sync alone) when one is due and none is running. */
  maybe(): void {
    if (this.inFlight) return;
    const recordDue = Date.now() - this.lastAt >= this.everyMs;
    if (!recordDue && this.writer.written - this.lastSynced < this.syncEveryBytes) return;
    if (recordDue) this.lastAt = Date.now();
    this.inFlight = (recordDue ? this.once() : this.syncOnly())
      .then(
        () => undefined,
        (err: unknown) => {
          this.error ??= err;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  /** Waits for a running checkpoint, then syncs and records what is written now. */
  async flush(): Promise<number> {
    if (this.inFlight) await this.inFlight;
    if (this.error) throw this.error;
    return this.once();
  }

  private async syncOnly(): Promise<number> {
    this.lastSynced = await this.writer.sync();
    return this.lastSynced;
  }

  private async once(): Promise<number> {
    const offset = await this.syncOnly();
    if (offset !== this.lastRecorded) {
      await this.record(offset);
      this.lastRecorded = offset;
    }
    return offset;
  }
}

export interface PumpOptions {
  source: Readable;
  writer: PartWriter;
  signal: AbortSignal;
  throttle: Throttle;
  /** Called after each chunk with the total bytes now received (offset in the file). */
  onBytes(received: number): void;
  /** While true the stall watchdog must not count the wait (we hold reading back, not the server). */
  onThrottleWait(waiting: boolean): void;
  hash?: Hash;
  checkpointer: DurableCheckpointer;
}

/**
 * Resolves when the body is fully written (not yet synced). Rejects on abort, network or disk errors.
 * Each chunk goes straight into the writer's batch (copied, so it dies young: buffer-reclaimer.ts),
 * read by 'data' events that pause only while the speed limit or the disk makes it wait
 * (chunk-reader.ts). Piping through a Transform into a Writable, as before, held up to 2 MiB of
 * socket chunks in the streams' buffers, long enough to outlive V8's young generation: 1 GiB over
 * one connection took ~84,000 page faults and ~1.7-2.1 s of system time, against ~22,000 and
 * ~1.3-1.4 s for the segmented path that already read this way (2026-12-07).
 */
export async function pumpBody(o: PumpOptions): Promise<void> {
  let received = o.writer.start;
  const accept = (chunk: Buffer): boolean | Promise<boolean> => {
    if (o.signal.aborted) return false;
    received += chunk.length;
    o.hash?.update(chunk);
    o.onBytes(received);
    if (o.checkpointer.error) throw o.checkpointer.error;
    o.checkpointer.maybe();
    const wait = o.writer.push(chunk);
    return wait ? wait.then(() => true) : true;
  };
  const cut = (): void => {
    o.source.destroy();
  };
  o.signal.addEventListener('abort', cut, { once: true });
  try {
    await eachChunk(o.source, (chunk) => {
      o.onThrottleWait(true);
      const wait = o.throttle(chunk.length, o.signal);
      if (!wait) {
        o.onThrottleWait(false);
        return accept(chunk);
      }
      return wait.then(
        () => {
          o.onThrottleWait(false);
          return accept(chunk);
        },
        (err: unknown) => {
          o.onThrottleWait(false);
          throw err;
        },
      );
    });
  } catch (err) {
    o.source.destroy();
    // A broken connection must not throw away what already arrived: the chunks already received
    // still go to disk, then the error is raised. Only an abort drops what is held.
    if (!o.signal.aborted) await o.writer.drain().catch(() => undefined);
    throw o.signal.aborted ? abortError(o.signal) : err;
  } finally {
    o.signal.removeEventListener('abort', cut);
  }
  if (o.signal.aborted) throw abortError(o.signal);
  await o.writer.drain();
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}
