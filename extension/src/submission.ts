// What Ferry needs to fetch a download the browser would have made: the URL after the browser's
// redirects, its cookies, referrer, user agent and suggested name, as aria2 addUri options; for a
// video the page played, Ferry's own stream options (`ferry-stream`, `ferry-variant`, `ferry-title`).
import type { StreamKind } from './video-detect';

export interface StreamRequest {
  kind: StreamKind;
  /** `best`, `worst`, `WIDTHxHEIGHT` or a bandwidth (Ferry's `ferry-variant`); Ferry takes the best without it. */
  variant?: string;
  /** The page's title, for the file's name. */
  title?: string;
}
export interface Submission {
  url: string;
  referrer?: string;
  userAgent: string;
  cookieHeader?: string;
  suggestedName?: string;
  /** Idempotency key: aria2's `gid` option. A resent submission with the same gid cannot add a second transfer. */
  gid: string;
  /** Set for a video (HLS or DASH manifest): Ferry saves the video, never the manifest's text. */
  stream?: StreamRequest;
  /**
   * The file's size as the browser knows it (bytes), sent as Ferry's `ferry-size`: with the name,
   * Ferry recognises a file it is already fetching (an expired link clicked again) and offers to
   * continue that download instead of starting a second one.
   */
  size?: number;
}

export type AddUriOptions = Record<string, string | string[]>;

export function addUriParams(s: Submission): { uris: string[]; options: AddUriOptions } {
  const options: AddUriOptions = { gid: s.gid, 'user-agent': s.userAgent };
  const header: string[] = [];
  if (s.cookieHeader) header.push(`Cookie: ${s.cookieHeader}`);
  if (header.length > 0) options.header = header;
  if (s.referrer && /^https?:/i.test(s.referrer)) options.referer = s.referrer;
  const out = s.suggestedName ? baseName(s.suggestedName) : '';
  if (out) options.out = out;
  if (s.size !== undefined && Number.isSafeInteger(s.size) && s.size > 0) options['ferry-size'] = String(s.size);
  if (s.stream) {
    options['ferry-stream'] = s.stream.kind;
    if (s.stream.variant && s.stream.variant !== 'best') options['ferry-variant'] = s.stream.variant;
    const title = s.stream.title?.trim();
    if (title) options['ferry-title'] = title;
  }
  return { uris: [s.url], options };
}

/** Chrome's suggested name can be a path under the download folder; Ferry makes the name safe, this only drops folders. */
function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').trim();
}

export function cookieHeader(cookies: ReadonlyArray<{ name: string; value: string }>): string | undefined {
  if (cookies.length === 0) return undefined;
  // A cookie without a name is sent as its value alone, as browsers do.
  return cookies.map((c) => (c.name ? `${c.name}=${c.value}` : c.value)).join('; ');
}

/** 16 hex digits, the shape aria2 requires of a GID. */
export function newGid(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(8));
  // aria2 refuses a GID of all zeros.
  if (bytes.every((b) => b === 0)) bytes[7] = 1;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
