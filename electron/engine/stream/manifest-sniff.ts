// Is this response a stream manifest? By its Content-Type, else by its first bytes: an HLS
// playlist must begin with #EXTM3U (RFC 8216 4.3.1.1), a DASH manifest's root element is <MPD>.
// Never by the URL's extension: a ".m3u8" that serves HTML is an error page, not a stream.
import { open } from 'node:fs/promises';
import type { StreamKind } from '../../../shared/stream';

/** Manifests larger than this are not read as text (a two-hour VOD playlist is well under 1 MiB). */
export const MAX_MANIFEST_BYTES = 16 << 20;
/** What the body sniff reads. */
export const SNIFF_BYTES = 4096;

const HLS_TYPES = new Set(['application/vnd.apple.mpegurl', 'application/x-mpegurl', 'audio/mpegurl', 'audio/x-mpegurl']);
const DASH_TYPES = new Set(['application/dash+xml']);
/**
 * Types a server uses when it does not know better; only these (and none) are worth a look at the
 * body. A file served as video/mp4 or application/zip is never read back.
 */
const VAGUE_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'text/plain', 'application/xml', 'text/xml', 'application/x-unknown']);

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The kind a Content-Type declares, if it declares one. */
export function kindFromContentType(contentType: string | undefined): StreamKind | undefined {
  const type = mediaType(contentType);
  if (HLS_TYPES.has(type)) return 'hls';
  if (DASH_TYPES.has(type)) return 'dash';
  return undefined;
}

/** Whether the body should be looked at: the type says nothing definite. */
export function isVagueContentType(contentType: string | undefined): boolean {
  return VAGUE_TYPES.has(mediaType(contentType));
}

/** The kind the first bytes show: #EXTM3U first (after a BOM), or <MPD as the root element. */
export function kindFromBody(head: Buffer | string): StreamKind | undefined {
  const text = (typeof head === 'string' ? head : head.subarray(0, SNIFF_BYTES).toString('utf8')).replace(/^\ufeff/, '');
  if (/^\s*#EXTM3U/.test(text)) return 'hls';
  // An optional XML declaration and comments before the root element.
  if (/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?MPD[\s>/]/.test(text)) return 'dash';
  return undefined;
}

/**
 * The manifest a finished download turned out to be, read back from its .part: by the declared
 * type, else (only for a vague type) by its first bytes. Files too large to be a manifest are not
 * opened, so the check costs a big download nothing.
 */
export async function manifestInFile(file: string, size: number, contentType: string | undefined): Promise<{ kind: StreamKind; text: string } | undefined> {
  if (size <= 0 || size > MAX_MANIFEST_BYTES) return undefined;
  const declared = kindFromContentType(contentType);
  if (!declared && !isVagueContentType(contentType)) return undefined;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    await handle.read(head, 0, head.length, 0);
    const kind = declared ?? kindFromBody(head);
    if (!kind) return undefined;
    const text = (await handle.readFile()).toString('utf8');
    // A plain extended M3U (a radio or IPTV list for a player) starts with #EXTM3U too, but has no
    // HLS tag (every HLS playlist has EXT-X-TARGETDURATION or EXT-X-STREAM-INF): it stays a file.
    if (!declared && kind === 'hls' && !text.includes('#EXT-X-')) return undefined;
    return { kind, text };
  } finally {
    await handle.close();
  }
}
