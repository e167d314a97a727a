// Retry policy as small pure functions (after got's calculate-retry-delay): which failures
// retry, how long to wait, and how an HTTP status becomes an error people can read.
import { STATUS_CODES } from 'node:http';
import { TransferFailure } from './types';

/** 408 Request Timeout, 429 Too Many Requests and server errors are worth another try. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  // 501 Not Implemented and 505 HTTP Version Not Supported will not change by waiting.
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Retry-After is either delta-seconds or an HTTP date. Returns milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface RetryDelayInput {
  /** Consecutive attempts without progress so far, 1 for the first retry. */
  attempt: number;
  baseMs: number;
  maxMs: number;
  retryAfterMs?: number;
  random?: () => number;
}

/** Longest Retry-After we honour; a server asking for hours is treated as "much later", not forever. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * Capped exponential backoff with "equal jitter" (half fixed, half random), so many transfers
 * failing together do not come back together. A server's Retry-After is a floor.
 */
export function retryDelayMs({ attempt, baseMs, maxMs, retryAfterMs, random = Math.random }: RetryDelayInput): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.round(Math.max(jittered, floor));
}

/** Keep at most 200 characters of a response body, without control characters. */
export function cleanBodyExcerpt(body: string | undefined): string | undefined {
  if (!body) return undefined;
  // eslint-disable-next-line no-control-regex
  const cleaned = body.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : undefined;
}

/** A non-2xx final status as a failure: "Server says 404 Not Found". */
export function httpStatusFailure(
  status: number,
  statusText?: string,
  retryAfterHeader?: string | string[],
  body?: string,
  nowMs = Date.now(),
): TransferFailure {
  const text = statusText?.trim() || STATUS_CODES[status] || 'Unknown status';
  const excerpt = cleanBodyExcerpt(body);
  return new TransferFailure(
    {
      code: 'HTTP_STATUS',
      status,
      message: `Server says ${status} ${text}`,
      ...(excerpt ? { body: excerpt } : {}),
      retryable: isRetryableStatus(status),
    },
    parseRetryAfter(retryAfterHeader, nowMs),
  );
}
