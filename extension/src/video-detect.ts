// Is a response the page received an HLS or DASH manifest? By its Content-Type; the URL's shape
// (.m3u8, .mpd) counts only where the type says nothing definite (none, octet-stream, text/plain),
// and then the manifest's own first bytes decide later (see manifest-summary.ts). Pure, so the
// rules are tested without a browser.

export type StreamKind = 'hls' | 'dash';

export interface SeenResponse {
  url: string;
  statusCode: number;
  /** The Content-Type header, if any. */
  contentType?: string;
  /** webRequest's resource type: 'xmlhttprequest', 'media', 'main_frame' ... */
  type: string;
}

export interface ManifestSighting {
  kind: StreamKind;
  /** true: the Content-Type says so; false: only the URL's shape, to be confirmed by the body. */
  byType: boolean;
}

const HLS_TYPES = new Set(['application/vnd.apple.mpegurl', 'application/x-mpegurl']);
const DASH_TYPES = new Set(['application/dash+xml']);
/** Types servers use when they do not know better (audio/mpegurl is also a plain M3U radio list). */
const VAGUE_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'text/plain', 'application/xml', 'text/xml', 'application/x-unknown', 'audio/mpegurl', 'audio/x-mpegurl']);

export function manifestSighting(response: SeenResponse): ManifestSighting | undefined {
  // A navigation to a manifest is the browser's own download (or text view), not a page's player.
  if (response.type === 'main_frame' || response.type === 'sub_frame') return undefined;
  if (!((response.statusCode >= 200 && response.statusCode < 300) || response.statusCode === 304)) return undefined;
  let url: URL;
  try {
    url = new URL(response.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const type = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (HLS_TYPES.has(type)) return { kind: 'hls', byType: true };
  if (DASH_TYPES.has(type)) return { kind: 'dash', byType: true };
  if (!VAGUE_TYPES.has(type)) return undefined;
  const path = url.pathname.toLowerCase();
  if (path.endsWith('.m3u8')) return { kind: 'hls', byType: false };
  if (path.endsWith('.mpd')) return { kind: 'dash', byType: false };
  return undefined;
}

export function headerValue(headers: ReadonlyArray<{ name: string; value?: string }> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers?.find((h) => h.name.toLowerCase() === wanted)?.value;
}
