// Pure decision: given what we asked for and what the server answered, may these bytes be
// appended to the .part file? Never splice two versions of a file: anything that does not
// prove it continues exactly where we stopped is either a fresh start or a failure.
import { httpStatusFailure } from '../retry-policy';
import type { TransferFailure } from '../types';

export interface RangeAsked {
  /** Bytes already in the .part file; 0 means no Range header was sent. */
  offset: number;
  /** Total size recorded from an earlier response, if any. */
  knownTotal: number | null;
  /** ETag recorded earlier (sent as If-Range when strong). */
  etag?: string;
  lastModified?: string;
}

export interface ResponseFacts {
  status: number;
  statusText?: string;
  contentRange?: string;
  contentLength?: string;
  etag?: string;
  lastModified?: string;
  acceptRanges?: string;
  retryAfter?: string;
  /** Start of the body, for readable error messages. */
  bodyExcerpt?: string;
}

export type ResponseDecision =
  /** 206 that continues exactly at our offset. */
  | { action: 'append'; totalBytes: number | null; resumable: true }
  /** A full body from byte 0: truncate the .part and write from the start. */
  | { action: 'restart'; totalBytes: number | null; resumable: boolean; reason: string }
  /** 416: the range starts at or past the end. Complete if the .part already holds `totalBytes`. */
  | { action: 'check-size'; totalBytes: number | null }
  /** A 2xx we cannot use (wrong range): discard what we have and do not append. */
  | { action: 'mismatch'; message: string }
  | { action: 'fail'; failure: TransferFailure };

export interface ContentRange {
  start: number;
  end: number;
  total: number | null;
}

/** "bytes 100-199/1000" or "bytes 100-199/*"; undefined when malformed. */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  const m = value ? /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value) : null;
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = m[3] === '*' ? null : Number(m[3]);
  if (end < start || (total !== null && end >= total)) return undefined;
  return { start, end, total };
}

/** "bytes *\/1000" as sent with 416. */
export function parseUnsatisfiedRange(value: string | undefined): number | null {
  const m = value ? /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(value) : null;
  return m ? Number(m[1]) : null;
}

export function parseContentLength(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Only a strong ETag proves byte-identical content; a weak one must not be used for If-Range. */
export function isStrongEtag(etag: string | undefined): etag is string {
  return !!etag && !etag.startsWith('W/');
}

/** The If-Range value to send, or undefined when we have no validator (then we must not resume). */
export function ifRangeValidator(asked: Pick<RangeAsked, 'etag' | 'lastModified'>): string | undefined {
  if (isStrongEtag(asked.etag)) return asked.etag;
  return asked.lastModified || undefined;
}

export function checkResponse(asked: RangeAsked, res: ResponseFacts): ResponseDecision {
  const { status } = res;
  if (status < 200 || status >= 300) {
    if (status === 416 && asked.offset > 0) {
      return { action: 'check-size', totalBytes: parseUnsatisfiedRange(res.contentRange) };
    }
    return { action: 'fail', failure: httpStatusFailure(status, res.statusText, res.retryAfter, res.bodyExcerpt) };
  }
  if (status !== 206) {
    const askedRange = asked.offset > 0;
    const sameVersion = askedRange && sameValidators(asked, res);
    return {
      action: 'restart',
      totalBytes: parseContentLength(res.contentLength),
      // Same version but a full body: the server cannot serve ranges, so pausing will restart.
      resumable: !sameVersion && /\bbytes\b/i.test(res.acceptRanges ?? ''),
      reason: !askedRange
        ? 'fresh download'
        : sameVersion
          ? 'the server ignored the range request'
          : 'the file changed on the server',
    };
  }

  const range = parseContentRange(res.contentRange);
  if (!range) return { action: 'mismatch', message: `Server sent 206 with an unusable Content-Range "${res.contentRange ?? ''}"` };
  if (range.start !== asked.offset) {
    return { action: 'mismatch', message: `Server sent bytes from ${range.start}, but we asked from ${asked.offset}` };
  }
  if (asked.offset > 0 && asked.knownTotal !== null && range.total !== null && range.total !== asked.knownTotal) {
    return { action: 'mismatch', message: `Server's size changed from ${asked.knownTotal} to ${range.total} bytes` };
  }
  if (asked.offset > 0 && !sameValidators(asked, res)) {
    return { action: 'mismatch', message: 'Server answered the range with a different version of the file' };
  }
  return { action: 'append', totalBytes: range.total ?? asked.knownTotal, resumable: true };
}

/** Validators the response carries must match the recorded ones (absent ones prove nothing either way). */
function sameValidators(asked: RangeAsked, res: ResponseFacts): boolean {
  if (asked.etag && res.etag && asked.etag !== res.etag) return false;
  if (asked.lastModified && res.lastModified && asked.lastModified !== res.lastModified) return false;
  return true;
}
