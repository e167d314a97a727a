// The headers a download sends. The worker alone decides ranges and encodings, so the bytes on
// disk are exactly the resource; every request asks for the representation's digest (RFC 9530),
// which a range's answer carries too. The user's headers travel apart from the worker's own: they
// go only where origin-headers.ts allows, on the first request and on every redirect hop.
// Kept apart so single and segmented requests agree.
import { headersFor, type HeaderOrigin } from '../origin-headers';
import { WANT_REPR_DIGEST } from './server-digest';

export interface DownloadHeaders {
  /** The worker's own (encoding, digest, range): sent on every hop. */
  own: Record<string, string>;
  /** The user's (minus the ones the worker owns): sent only to the origin they were given for. */
  user: Record<string, string>;
  /** That origin; null when a redirect chain already left it. */
  givenFor: HeaderOrigin;
}

function ownBase(): Record<string, string> {
  return { 'accept-encoding': 'identity', 'want-repr-digest': WANT_REPR_DIGEST };
}

/** The user's headers minus the ones the worker owns. */
export function userHeaders(given: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!/^(range|if-range|accept-encoding)$/i.test(name)) headers[name] = value;
  }
  return headers;
}

/** What goes to `url`: the worker's own, and the user's where the origin rule allows. */
export function headersToSend(url: string | URL, headers: DownloadHeaders): Record<string, string> {
  return { ...headers.own, ...headersFor(url, headers.user, headers.givenFor) };
}

/** One connection's request: from `offset` to the end, continued only if the validator still holds. */
export function resumeHeaders(
  given: Record<string, string> | undefined,
  givenFor: HeaderOrigin,
  offset: number,
  validator: string | undefined,
): DownloadHeaders {
  const own = ownBase();
  if (offset > 0 && validator) {
    own.range = `bytes=${offset}-`;
    own['if-range'] = validator;
  }
  return { own, user: userHeaders(given), givenFor };
}

/** Headers for one range of a segmented download: always with If-Range. */
export function rangeHeaders(
  given: Record<string, string> | undefined,
  givenFor: HeaderOrigin,
  start: number,
  endExclusive: number,
  validator: string,
): DownloadHeaders {
  const own = ownBase();
  own.range = `bytes=${start}-${endExclusive - 1}`;
  own['if-range'] = validator;
  return { own, user: userHeaders(given), givenFor };
}
