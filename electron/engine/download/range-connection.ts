// One connection of a segmented download reading its response body into its range: bytes past
// the range's current end are never written (another connection may have taken the end
// meanwhile), what arrived before a break is still written, and the connection's clock is kept
// for the stall check. Kept apart from the scheduling of connections in MultiConnection.
import type { FileHandle } from 'node:fs/promises';
import { responseBody, type OpenedResponse } from './http-request';
import { BatchWriter } from './batch-writer';
import { eachChunk } from './chunk-reader';
import type { Throttle } from '../types';
import type { RangeLease } from './segment-table';

export interface Connection {
  controller: AbortController;
  lastByteAt: number;
  throttled: boolean;
  /** Reading waits for the disk to take the bytes: a quiet socket then says nothing about the server. */
  waitingForDisk: boolean;
  stalled: boolean;
  /** Closed to give the host's budget to another transfer: not an error. */
  yielded: boolean;
  /** While a body is read: writes the bytes gathered for a batch, so a checkpoint counts them. */
  writeHeld?: () => Promise<void>;
}

export function newConnection(): Connection {
  return { controller: new AbortController(), lastByteAt: Date.now(), throttled: false, waitingForDisk: false, stalled: false, yielded: false };
}

export interface RangeReceiveOptions {
  handle: FileHandle;
  /** The whole download's signal; the connection's own controller also cuts it. */
  signal: AbortSignal;
  /** Bytes held before a write (see batchBytesFor). */
  batchBytes: number;
  throttle: Throttle;
  /** After the range's written count grew. */
  onWritten(): void;
}

/** Reads the body into the leased range until it is complete or the response ends. */
export async function receiveRange(conn: Connection, lease: RangeLease, opened: OpenedResponse, o: RangeReceiveOptions): Promise<void> {
  const body = responseBody(opened);
  const writer = new BatchWriter(
    o.handle,
    lease.nextOffset,
    (bytes) => {
      lease.wrote(bytes);
      o.onWritten();
    },
    o.batchBytes,
  );
  conn.writeHeld = () => writer.writeHeld();
  const cut = (): void => {
    opened.stream.destroy();
    body.destroy();
  };
  conn.controller.signal.addEventListener('abort', cut, { once: true });
  o.signal.addEventListener('abort', cut, { once: true });
  conn.lastByteAt = Date.now();
  try {
    // Synchronous unless the speed limit or the disk makes it wait (chunk-reader.ts says why).
    const accept = (data: Buffer): boolean | Promise<boolean> => {
      if (o.signal.aborted) return false;
      // Another connection may have taken the end of this range meanwhile: never write past it.
      const room = lease.room;
      const chunk = data.length > room ? data.subarray(0, room) : data;
      if (chunk.length > 0) {
        lease.issue(chunk.length);
        const wait = writer.push(chunk);
        if (wait) {
          conn.waitingForDisk = true;
          return wait
            .finally(() => {
              conn.waitingForDisk = false;
              // The socket was not read meanwhile: its quiet starts now.
              conn.lastByteAt = Date.now();
            })
            .then(() => lease.room > 0);
        }
      }
      return lease.room > 0;
    };
    await eachChunk(body, (data) => {
      conn.lastByteAt = Date.now();
      const wait = o.throttle(data.length, o.signal);
      if (!wait) return accept(data);
      conn.throttled = true;
      return wait.then(() => {
        conn.throttled = false;
        conn.lastByteAt = Date.now();
        return accept(data);
      });
    });
  } catch (err) {
    // A broken connection keeps what already arrived: written below, then the error is raised.
    await writer.drain().catch(() => undefined);
    conn.writeHeld = undefined;
    writer.release();
    throw err;
  } finally {
    conn.controller.signal.removeEventListener('abort', cut);
    o.signal.removeEventListener('abort', cut);
    cut();
  }
  try {
    await writer.drain();
  } finally {
    conn.writeHeld = undefined;
    writer.release();
  }
  lease.rewind();
}
