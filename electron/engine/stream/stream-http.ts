// The small requests of a stream transfer: manifests and AES keys, read whole into memory
// (bounded), with the headers each origin may get. Failures say which request failed, so "404"
// reads as "the key at …: Server says 404 Not Found", not as the whole download's status.
import { resumeHeaders, type DownloadHeaders } from '../download/request-headers';
import { originOf } from '../origin-headers';
import type { Agent } from 'node:http';
import { failure } from '../download/failures';
import { header, openDownloadStream, readExcerpt, type OpenedResponse } from '../download/http-request';
import { httpStatusFailure } from '../retry-policy';
import { TransferFailure } from '../types';
import { MAX_MANIFEST_BYTES } from './manifest-sniff';

/**
 * A stream request's headers: the worker's own, and the user's (or the browser's handoff) to go
 * where origin-headers.ts says on every hop: all of them to the stream's own origin, only what
 * describes the client to a CDN on another one.
 */
export function headersFor(streamUrl: string, userHeaders: Record<string, string> | undefined): DownloadHeaders {
  return resumeHeaders(userHeaders, originOf(streamUrl), 0, undefined);
}

/** The same with the worker's own Range. */
export function withRange(headers: DownloadHeaders, range: string): DownloadHeaders {
  return { ...headers, own: { ...headers.own, range } };
}

/** A failure with what was being fetched in front of its message. */
export function labelled(err: TransferFailure, what: string): TransferFailure {
  return new TransferFailure({ ...err.error, message: `${what}: ${err.error.message}` }, err.retryAfterMs, err.maxRetries, err.firstContact);
}

/** Throws the status as a readable failure when it is not 2xx. */
export async function requireOk(opened: OpenedResponse, what: string): Promise<void> {
  if (opened.status >= 200 && opened.status < 300) return;
  const excerpt = await readExcerpt(opened.stream);
  throw labelled(httpStatusFailure(opened.status, opened.statusText, header(opened, 'retry-after'), excerpt), what);
}

/** The whole body, at most `max` bytes (more is a failure, not a cut). */
export async function readAll(opened: OpenedResponse, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of opened.stream) {
      size += (chunk as Buffer).length;
      if (size > max) throw failure('UNSUPPORTED_STREAM', `${what} is larger than ${max} bytes`, false);
      chunks.push(chunk as Buffer);
    }
  } finally {
    opened.stream.destroy();
  }
  return Buffer.concat(chunks);
}

export interface FetchedManifest {
  text: string;
  /** After redirects. */
  url: string;
  contentType: string | undefined;
}

export interface SmallFetchContext {
  streamUrl: string;
  headers: Record<string, string> | undefined;
  signal: AbortSignal;
  waitLimitMs: number;
  /** The attempt's way to the network (its proxy), as every other request of the transfer. */
  agent?: Agent;
}

export async function fetchManifest(url: string, c: SmallFetchContext, what = `The playlist ${url}`): Promise<FetchedManifest> {
  const opened = await openDownloadStream(url, headersFor(c.streamUrl, c.headers), c.signal, c.waitLimitMs, c.agent);
  await requireOk(opened, what);
  const body = await readAll(opened, MAX_MANIFEST_BYTES, what);
  return { text: body.toString('utf8'), url: opened.finalUrl, contentType: header(opened, 'content-type') };
}

/** An AES-128 key: exactly 16 bytes, fetched with the playlist's headers when on its origin. */
export async function fetchKey(url: string, c: SmallFetchContext): Promise<Buffer> {
  if (url.startsWith('data:')) return keyFromDataUrl(url);
  const what = `The AES-128 key ${url}`;
  const opened = await openDownloadStream(url, headersFor(c.streamUrl, c.headers), c.signal, c.waitLimitMs, c.agent);
  await requireOk(opened, what);
  const key = await readAll(opened, 4096, what);
  if (key.length !== 16) throw failure('UNSUPPORTED_STREAM', `${what} is ${key.length} bytes, not the 16 of an AES-128 key`, false);
  return key;
}

function keyFromDataUrl(url: string): Buffer {
  const m = /^data:[^,]*?(;base64)?,(.*)$/s.exec(url);
  const key = m ? (m[1] ? Buffer.from(m[2]!, 'base64') : Buffer.from(decodeURIComponent(m[2]!), 'latin1')) : Buffer.alloc(0);
  if (key.length !== 16) throw failure('UNSUPPORTED_STREAM', `The inline AES-128 key is ${key.length} bytes, not 16`, false);
  return key;
}

/** `range` of a resource (a DASH index), exactly those bytes. */
export async function fetchRangeBytes(url: string, range: { offset: number; length: number }, c: SmallFetchContext): Promise<Buffer> {
  const what = `The index of ${url}`;
  const headers = withRange(headersFor(c.streamUrl, c.headers), `bytes=${range.offset}-${range.offset + range.length - 1}`);
  const opened = await openDownloadStream(url, headers, c.signal, c.waitLimitMs, c.agent);
  await requireOk(opened, what);
  const body = await readAll(opened, opened.status === 206 ? range.length : range.offset + range.length + (64 << 20), what);
  // A 200 is the whole file: cut the range out of it.
  return opened.status === 206 ? body : body.subarray(range.offset, range.offset + range.length);
}
