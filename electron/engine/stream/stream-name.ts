// A stream's file name: the one the user typed, else the page's title (the extension sends it),
// else the playlist's path; playlists are mostly called index.m3u8 or master.m3u8, so a generic
// name gives way to the folder it sits in ("/videos/launch-day/hls/master.m3u8" -> "launch-day").
import { safeFileName } from '../download/filename';
import type { Container, TrackRole } from './stream-plan';

const GENERIC = /^(index|master|playlist|manifest|main|prog_index|chunklist.*|media.*|stream|video|hls|dash|live|output|out|default|[a-f0-9_-]{16,}|\d+p?|v\d+)$/i;

/** The name's stem (no extension): title, else the URL's path. */
export function streamStem(url: string, title: string | undefined): string {
  // A title is text, not a path: its slashes stay in the name (as _), not cut it short.
  const fromTitle = title?.replace(/[/\\]/g, '_').trim();
  if (fromTitle) return stripExtension(safeFileName(fromTitle, 200));
  let segments: string[] = [];
  try {
    segments = new URL(url).pathname.split('/').filter(Boolean).map(decodeSafely);
  } catch {
    // not a URL: the default below
  }
  for (let i = segments.length - 1; i >= 0; i--) {
    const stem = stripExtension(segments[i]!);
    if (stem && !GENERIC.test(stem)) return stripExtension(safeFileName(stem, 200));
  }
  const last = segments.length > 0 ? stripExtension(segments[segments.length - 1]!) : '';
  return last ? stripExtension(safeFileName(last, 200)) : 'video';
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function stripExtension(name: string): string {
  return name.replace(/\.(m3u8?|mpd|ts|mp4|m4s|m4a|m4v|aac|vtt|json|xml|php|aspx?)$/i, '');
}

/** The extension a joined track gets when nothing remuxes it. */
export function joinedExtension(container: Container, role: TrackRole): string {
  switch (container) {
    case 'ts':
      return 'ts';
    case 'fmp4':
      return role === 'audio' ? 'm4a' : 'mp4';
    case 'aac':
      return 'aac';
    case 'vtt':
      return 'vtt';
  }
}

/** `name` with its extension replaced (or added). */
export function withExtension(name: string, ext: string): string {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${ext}`;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}
