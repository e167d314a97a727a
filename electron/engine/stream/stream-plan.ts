// What a stream transfer fetches, whatever the manifest format: tracks (a muxed main track, or
// separate video, audio, subtitles), each a list of fetch items in play order (init sections
// where they start to apply, media segments), with byte ranges and AES-128 keys. HLS and DASH
// readers build it; fetching, joining and naming read only this.
import { createHash } from 'node:crypto';
import type { StreamKind } from '../../../shared/stream';

export type TrackRole = 'main' | 'video' | 'audio' | 'subtitles';
/** How the track's items join into one file: MPEG-TS, fragmented MP4 after its init, WebVTT, raw audio. */
export type Container = 'ts' | 'fmp4' | 'vtt' | 'aac';

export interface ByteRange {
  offset: number;
  length: number;
}

/** EXT-X-KEY METHOD=AES-128: AES-128-CBC over the whole item, PKCS7 padding. */
export interface AesKey {
  keyUrl: string;
  iv: Buffer;
}

export interface FetchItem {
  url: string;
  range?: ByteRange;
  key?: AesKey;
  /** An init section (EXT-X-MAP, DASH Initialization): counted apart from media segments. */
  init: boolean;
  /** Seconds of media (0 for init sections). */
  duration: number;
}

export interface StreamTrack {
  role: TrackRole;
  container: Container;
  items: FetchItem[];
  language?: string;
  /** Bits per second the manifest announces, for the size estimate. */
  bandwidth?: number;
  width?: number;
  height?: number;
}

export interface StreamPlan {
  kind: StreamKind;
  tracks: StreamTrack[];
  /** The variant taken, e.g. "1280x720, 3.0 Mbit/s". */
  label: string;
  durationSeconds: number;
  /** Same plan, same fingerprint: what resume data may be continued with (see planFingerprint). */
  fingerprint: string;
}

/**
 * Identifies the plan's content without the parts that change between fetches of the same stream:
 * query strings (signed CDN URLs expire) and hosts (CDN mirrors). Count, order, paths, ranges,
 * durations and keys' IVs must match, or segments on disk belong to another stream.
 */
export function planFingerprint(kind: StreamKind, tracks: readonly StreamTrack[]): string {
  const hash = createHash('sha256');
  hash.update(kind);
  for (const track of tracks) {
    hash.update(`|${track.role}:${track.container}:${track.items.length}`);
    for (const item of track.items) {
      hash.update(`|${pathOf(item.url)}:${item.range ? `${item.range.offset}+${item.range.length}` : ''}:${item.duration.toFixed(3)}:${item.init ? 'i' : ''}:${item.key ? item.key.iv.toString('hex') : ''}`);
    }
  }
  return hash.digest('hex').slice(0, 32);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export function itemCount(tracks: readonly StreamTrack[]): number {
  return tracks.reduce((sum, track) => sum + track.items.length, 0);
}

export function trackLabel(track: StreamTrack): string {
  if (track.role === 'main') return 'video+audio';
  return track.language ? `${track.role} (${track.language})` : track.role;
}

export function describeVariant(o: { width?: number; height?: number; bandwidth?: number }): string {
  const parts: string[] = [];
  if (o.width && o.height) parts.push(`${o.width}x${o.height}`);
  if (o.bandwidth) parts.push(o.bandwidth >= 1e6 ? `${(o.bandwidth / 1e6).toFixed(1)} Mbit/s` : `${Math.round(o.bandwidth / 1e3)} kbit/s`);
  return parts.join(', ') || 'the only variant';
}
