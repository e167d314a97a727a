// The headers a download sends. The worker alone decides ranges and encodings, so the bytes on
// disk are exactly the resource; every request asks for the representation's digest (RFC 9530),
// which a range's answer carries too. Kept apart so single and segmented requests agree.
import { WANT_REPR_DIGEST } from './server-digest';

/** The user's headers minus the ones the worker owns, plus identity encoding and Want-Repr-Digest. */
export function baseHeaders(userHeaders: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'want-repr-digest': WANT_REPR_DIGEST };
  for (const [name, value] of Object.entries(userHeaders ?? {})) {
    if (!/^(range|if-range|accept-encoding)$/i.test(name)) headers[name] = value;
  }
  return headers;
}

/** One connection's request: from `offset` to the end, continued only if the validator still holds. */
export function resumeHeaders(userHeaders: Record<string, string> | undefined, offset: number, validator: string | undefined): Record<string, string> {
  const headers = baseHeaders(userHeaders);
  if (offset > 0 && validator) {
    headers.range = `bytes=${offset}-`;
    headers['if-range'] = validator;
  }
  return headers;
}

/** Headers for one range of a segmented download: always with If-Range. */
export function rangeHeaders(userHeaders: Record<string, string> | undefined, start: number, endExclusive: number, validator: string): Record<string, string> {
  const headers = baseHeaders(userHeaders);
  headers.range = `bytes=${start}-${endExclusive - 1}`;
  headers['if-range'] = validator;
  return headers;
}
