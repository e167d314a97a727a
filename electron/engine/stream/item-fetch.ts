// One fetch item (a segment or an init section) into its own file, continued where its durable
// bytes end. The rules of a single download hold per item: a continuation carries If-Range and
// must come back as a 206 starting exactly there, a 200 means "from byte 0" (the file is emptied
// first, nothing is spliced), a byte range (EXT-X-BYTERANGE, DASH ranges) is cut out of whatever
// the server sends, and a body shorter than announced is a retryable failure, not a segment.
import type { FileHandle } from 'node:fs/promises';
import { BatchWriter } from '../download/batch-writer';
import { eachChunk } from '../download/chunk-reader';
import { failure } from '../download/failures';
import { header, openDownloadStream, responseBody } from '../download/http-request';
import type { Connection } from '../download/range-connection';
import { parseContentLength, parseContentRange, parseUnsatisfiedRange } from '../download/response-check';
import type { Throttle } from '../types';
import { requireOk } from './stream-http';
import type { FetchItem } from './stream-plan';
import type { DownloadHeaders } from '../download/request-headers';
import type { Agent } from 'node:http';

export interface ItemFetchOptions {
  item: FetchItem;
  /** Bytes of the item already durable in `handle` (0: from the start). */
  from: number;
  /** If-Range value recorded with those bytes; without one a continuation starts over. */
  validator: string | undefined;
  headers: DownloadHeaders;
  /** The attempt's way to the network (its proxy). */
  agent?: Agent;
  handle: FileHandle;
  conn: Connection;
  /** The fetch's signal; the connection's own controller also cuts it. */
  signal: AbortSignal;
  stallTimeoutMs: number;
  throttle: Throttle;
  batchBytes: number;
  /** "Segment 4 of 15", for messages. */
  label: string;
  /** The response's validators, as soon as its headers are in (they go with the bytes it gives). */
  answered(validators: { etag?: string; lastModified?: string }): void;
  /** The file was emptied: the item starts over at byte 0. */
  restarted(): void;
  /** After each write with its length (written, not yet durable). */
  written(bytes: number): void;
}

export interface ItemFetched {
  /** The item's full size. */
  size: number;
  etag?: string;
  lastModified?: string;
}

/** Fetches the rest of the item; resolves once every byte is written (the caller fsyncs). */
export async function fetchItem(o: ItemFetchOptions): Promise<ItemFetched> {
  const base = o.item.range?.offset ?? 0;
  const end = o.item.range ? base + o.item.range.length : undefined;
  let from = o.from > 0 && o.validator ? o.from : 0;
  if (from !== o.from) await restart(o);
  // Every byte of a ranged item is there (its connection was closed before it was marked done).
  if (o.item.range && from >= o.item.range.length) return { size: from };
  const own = { ...o.headers.own };
  if (from > 0 || o.item.range) own.range = `bytes=${base + from}-${end !== undefined ? end - 1 : ''}`;
  if (from > 0) own['if-range'] = o.validator!;
  const headers: DownloadHeaders = { ...o.headers, own };
  const signal = AbortSignal.any([o.signal, o.conn.controller.signal]);
  const opened = await openDownloadStream(o.item.url, headers, signal, o.stallTimeoutMs, o.agent);
  if (opened.status === 416 && from > 0) {
    // The continuation starts at the end: complete if the server's size says so, else start over.
    opened.stream.destroy();
    const total = parseUnsatisfiedRange(header(opened, 'content-range'));
    if (total !== null && total === base + from) return { size: from };
    await restart(o);
    throw failure('RESPONSE_MISMATCH', `${o.label}: the server says the segment is ${total ?? 'of unknown size'} bytes, not more than ${from}; starting it over`, true);
  }
  await requireOk(opened, `${o.label} (${o.item.url})`);
  const validators = { etag: header(opened, 'etag'), lastModified: header(opened, 'last-modified') };
  o.answered(validators);

  // Where the body starts in the resource, and how many of its bytes we want.
  let bodyStart = 0;
  let want: number | undefined;
  if (opened.status === 206) {
    const range = parseContentRange(header(opened, 'content-range'));
    if (!range || range.start !== base + from) {
      opened.stream.destroy();
      await restart(o);
      throw failure('RESPONSE_MISMATCH', `${o.label}: the server answered another range (${header(opened, 'content-range') ?? 'none'}); starting the segment over`, true);
    }
    bodyStart = range.start;
    want = end !== undefined ? end - bodyStart : range.total !== null ? range.total - bodyStart : undefined;
  } else {
    // The whole resource: the range was ignored, or If-Range said the file changed.
    if (from > 0) {
      from = 0;
      await restart(o);
    }
    const length = parseContentLength(header(opened, 'content-length'));
    want = end !== undefined ? o.item.range!.length : (length ?? undefined);
    if (end !== undefined && length !== null && length < end) {
      opened.stream.destroy();
      throw failure('RESPONSE_MISMATCH', `${o.label}: the file has ${length} bytes, the playlist names bytes up to ${end}`, false);
    }
  }
  let skip = base + from - bodyStart;
  let left = want ?? Infinity;
  const writer = new BatchWriter(o.handle, from, o.written, o.batchBytes);
  o.conn.writeHeld = () => writer.writeHeld();
  const body = responseBody(opened);
  const cut = (): void => {
    opened.stream.destroy();
    body.destroy();
  };
  signal.addEventListener('abort', cut, { once: true });
  o.conn.lastByteAt = Date.now();
  const accept = (chunk: Buffer): boolean | Promise<boolean> => {
    if (signal.aborted) return false;
    let data = chunk;
    if (skip > 0) {
      const dropped = Math.min(skip, data.length);
      skip -= dropped;
      data = data.subarray(dropped);
    }
    if (data.length > left) data = data.subarray(0, left);
    left -= data.length;
    if (data.length > 0) {
      const wait = writer.push(data);
      if (wait) return wait.then(() => left > 0);
    }
    return left > 0;
  };
  try {
    await eachChunk(body, (chunk) => {
      o.conn.lastByteAt = Date.now();
      const wait = o.throttle(chunk.length, signal);
      if (!wait) return accept(chunk);
      o.conn.throttled = true;
      return wait.then(() => {
        o.conn.throttled = false;
        o.conn.lastByteAt = Date.now();
        return accept(chunk);
      });
    });
  } catch (err) {
    // What arrived before the break is kept (the caller fsyncs and records it).
    await writer.drain().catch(() => undefined);
    o.conn.writeHeld = undefined;
    writer.release();
    throw err;
  } finally {
    signal.removeEventListener('abort', cut);
    cut();
  }
  try {
    await writer.drain();
  } finally {
    o.conn.writeHeld = undefined;
    writer.release();
  }
  if (signal.aborted) throw signal.reason ?? new Error('aborted');
  const size = writer.written;
  if (want !== undefined && left > 0) {
    throw failure('NETWORK', `${o.label}: the connection closed after ${size - from} of ${want} bytes`, true);
  }
  return { size, ...validators };
}

async function restart(o: ItemFetchOptions): Promise<void> {
  await o.handle.truncate(0);
  o.restarted();
}
