// Whether a URL serves the file that is already partly on disk. A signed link that was renewed, or
// a mirror, usually has an ETag of its own, so validators prove nothing across URLs: the bytes do.
// A few KiB at a few offsets the .part already holds are fetched from the URL and compared byte for
// byte, and the URL must serve the same size, with ranges, and a validator of its own for the
// If-Range of its later requests. Kept apart from both ways of receiving a file, which use it alike.
import type { FileHandle } from 'node:fs/promises';
import type { Agent } from 'node:http';
import type { HeaderOrigin } from '../origin-headers';
import { httpStatusFailure } from '../retry-policy';
import type { SourceFacts, TransferFailure } from '../types';
import { header, openDownloadStream, readExcerpt, responseBody, type OpenedResponse } from './http-request';
import { networkFailure } from './failures';
import { userHeaders } from './request-headers';
import { ifRangeValidator, parseContentRange } from './response-check';
import { headersOriginAt, requestUrlOf } from './source-facts';

/** Bytes per sample and samples per check: 24 KiB in all, a few small requests. */
export const SAMPLE_BYTES = 8 * 1024;
export const SAMPLE_COUNT = 3;

export type SourceVerdict =
  /** The same file: the source's final URL, validators and `verified` are recorded on it. */
  | { kind: 'same' }
  /** Another file, or one that cannot be continued safely: why, in words. */
  | { kind: 'differs'; reason: string }
  /** The URL did not answer with the file at all (refused, 403, 404, 5xx ...). */
  | { kind: 'failed'; failure: TransferFailure };

export interface SourceCheck {
  source: SourceFacts;
  /** The .part, read at the sample offsets. */
  handle: FileHandle;
  /** Ranges [start, end) of the .part whose bytes were written from a verified source. */
  written: readonly (readonly [number, number])[];
  /** The file's size. */
  total: number;
  /** The user's headers (values resolved) and the origin they were given for. */
  headers: Record<string, string> | undefined;
  headersOrigin: HeaderOrigin;
  signal: AbortSignal;
  stallTimeoutMs: number;
  agent?: Agent;
}

/**
 * Up to `count` ranges of `size` bytes inside the written ranges: where the first begins, in the
 * middle of the longest, where the last ends; none twice. Empty when nothing is written.
 */
export function sampleRanges(written: readonly (readonly [number, number])[], size = SAMPLE_BYTES, count = SAMPLE_COUNT): [number, number][] {
  const ranges = written.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  if (ranges.length === 0) return [];
  const longest = ranges.reduce((best, r) => (r[1] - r[0] > best[1] - best[0] ? r : best));
  const last = ranges[ranges.length - 1]!;
  const wanted: [readonly [number, number], number][] = [
    [ranges[0]!, ranges[0]![0]],
    [longest, longest[0] + Math.floor((longest[1] - longest[0] - size) / 2)],
    [last, last[1] - size],
  ];
  const samples: [number, number][] = [];
  for (const [[rs, re], at] of wanted.slice(0, count)) {
    const start = Math.max(rs, Math.min(at, re - size));
    const end = Math.min(re, start + size);
    if (samples.some(([s, e]) => start < e && s < end)) continue;
    samples.push([start, end]);
  }
  return samples.sort((a, b) => a[0] - b[0]);
}

/** Fetches the samples from the source and compares them with the .part's bytes. */
export async function compareSource(c: SourceCheck): Promise<SourceVerdict> {
  const samples = sampleRanges(c.written);
  const learnt: Partial<SourceFacts> = {};
  let validator: string | undefined;
  for (const [start, end] of samples) {
    const first = validator === undefined;
    // The first request follows the URL's redirects; the others go where they ended.
    const target = first ? c.source : { ...c.source, ...learnt };
    const own: Record<string, string> = { 'accept-encoding': 'identity', range: `bytes=${start}-${end - 1}` };
    if (validator !== undefined) own['if-range'] = validator;
    let opened: OpenedResponse;
    try {
      const givenFor = first ? c.headersOrigin : headersOriginAt(target, c.headersOrigin);
      opened = await openDownloadStream(requestUrlOf(target), { own, user: userHeaders(c.headers), givenFor }, c.signal, c.stallTimeoutMs, c.agent);
    } catch (err) {
      return { kind: 'failed', failure: networkFailure(err, c.stallTimeoutMs) };
    }
    const verdict = await judgeSample(opened, start, end, c.total, validator);
    if (verdict) return verdict;
    if (first) {
      learnt.finalUrl = opened.finalUrl;
      learnt.finalUrlKeepsHeaders = opened.headersOrigin !== null;
      const etag = header(opened, 'etag');
      const lastModified = header(opened, 'last-modified');
      learnt.etag = etag;
      learnt.lastModified = lastModified;
      validator = ifRangeValidator({ etag, lastModified });
      if (validator === undefined) {
        opened.stream.destroy();
        return { kind: 'differs', reason: 'it sends no strong ETag or Last-Modified, so its later ranges could come from another version' };
      }
    }
    let served: Buffer;
    try {
      served = await readSample(opened, end - start, c.stallTimeoutMs);
    } catch (err) {
      return { kind: 'failed', failure: networkFailure(err, c.stallTimeoutMs) };
    }
    const onDisk = Buffer.alloc(end - start);
    await c.handle.read(onDisk, 0, onDisk.length, start);
    if (!served.equals(onDisk)) return { kind: 'differs', reason: `its bytes at offset ${start} differ from the ones already downloaded` };
  }
  Object.assign(c.source, learnt, { verified: true });
  return { kind: 'same' };
}

/** A sample's response: undefined when its body is the range asked for, else the verdict. */
async function judgeSample(opened: OpenedResponse, start: number, end: number, total: number, validator: string | undefined): Promise<SourceVerdict | undefined> {
  if (opened.status < 200 || opened.status >= 300) {
    const excerpt = await readExcerpt(opened.stream);
    return { kind: 'failed', failure: httpStatusFailure(opened.status, opened.statusText, header(opened, 'retry-after'), excerpt) };
  }
  if (opened.status !== 206) {
    opened.stream.destroy();
    return { kind: 'differs', reason: validator === undefined ? 'it does not serve byte ranges' : 'its file changed between two requests' };
  }
  const range = parseContentRange(header(opened, 'content-range'));
  const fail = (reason: string): SourceVerdict => {
    opened.stream.destroy();
    return { kind: 'differs', reason };
  };
  if (range?.total !== undefined && range.total !== null && range.total !== total) return fail(`it serves ${range.total} bytes, this download has ${total}`);
  if (!range || range.start !== start || range.end !== end - 1) return fail(`it answered another range (${header(opened, 'content-range') ?? 'none'}) than bytes ${start}-${end - 1}`);
  if (range.total === null) return fail('it does not say the size of its file');
  if (validator !== undefined) {
    const now = ifRangeValidator({ etag: header(opened, 'etag'), lastModified: header(opened, 'last-modified') });
    if (now !== validator) return fail('its file changed between two requests');
  }
  return undefined;
}

/** The body of a sample, exactly `length` bytes, or an error (cut, stalled, too long). */
async function readSample(opened: OpenedResponse, length: number, stallTimeoutMs: number): Promise<Buffer> {
  const body = responseBody(opened);
  const chunks: Buffer[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => body.destroy(Object.assign(new Error(`No data for ${stallTimeoutMs} ms`), { code: 'ETIMEDOUT' })), stallTimeoutMs);
  };
  try {
    arm();
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > length) throw new Error(`the server sent more than the ${length} bytes asked for`);
      arm();
    }
  } finally {
    clearTimeout(timer);
    opened.stream.destroy();
  }
  if (size !== length) throw Object.assign(new Error(`the server closed the connection after ${size} of ${length} bytes`), { code: 'ECONNRESET' });
  return Buffer.concat(chunks, size);
}
