// An HLS stream as a StreamPlan: a master playlist's variant (chosen by variant-choice) with the
// audio and subtitle renditions it names, each media playlist turned into fetch items. Parsing is
// hls-parser's (RFC 8216 tags, byte ranges with implied offsets, keys, maps); this file decides
// what Ferry can save: finished (VOD) playlists only, AES-128 or clear segments only.
import * as HLS from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist, Rendition, Segment, Variant } from 'hls-parser/types';
import type { VariantChoice } from '../../../shared/stream';
import { failure } from '../download/failures';
import { describeVariant, planFingerprint, type Container, type FetchItem, type StreamPlan, type StreamTrack, type TrackRole } from './stream-plan';
import { chooseVariant } from './variant-choice';
import { unsupportedKeyMessage } from './unsupported';

// Lenient: real playlists break small rules (a missing EXT-X-VERSION bump) that do not matter here.
HLS.setOptions({ strictMode: false, silent: true });

export interface FetchedText {
  text: string;
  /** After redirects: relative URIs resolve against it. */
  url: string;
}

export type FetchText = (url: string) => Promise<FetchedText>;

function parse(fetched: FetchedText): MasterPlaylist | MediaPlaylist {
  try {
    return HLS.parse(fetched.text);
  } catch (err) {
    throw failure('UNSUPPORTED_STREAM', `The HLS playlist at ${fetched.url} cannot be read: ${(err as Error).message}`, false);
  }
}

function resolve(uri: string, base: string): string {
  return new URL(uri, base).toString();
}

/** Reads the first playlist (already fetched) and whatever it points to; returns what to fetch. */
export async function hlsPlan(first: FetchedText, fetchText: FetchText, choice: VariantChoice): Promise<StreamPlan> {
  const playlist = parse(first);
  if (!playlist.isMasterPlaylist) {
    const track = mediaTrack(playlist as MediaPlaylist, first.url, 'main');
    return plan([track], 'the only variant');
  }
  const master = playlist as MasterPlaylist;
  for (const key of master.sessionKeyList ?? []) {
    const problem = unsupportedKeyMessage(key.method, key.format);
    if (problem) throw failure('UNSUPPORTED_STREAM', problem, false);
  }
  const candidates = master.variants
    .filter((v) => !v.isIFrameOnly && v.uri)
    .map((v) => ({ variant: v, bandwidth: v.bandwidth ?? 0, width: v.resolution?.width, height: v.resolution?.height }));
  const chosen = chooseVariant(candidates, choice);
  const variant = chosen.variant;
  const audio = pickRendition(variant.audio);
  const subtitles = pickRendition(variant.subtitles);
  const mainRole: TrackRole = audio ? 'video' : 'main';
  const tracks: StreamTrack[] = [];
  const main = await fetchMedia(resolve(variant.uri, first.url), fetchText, mainRole);
  Object.assign(main, { bandwidth: variant.bandwidth, width: variant.resolution?.width, height: variant.resolution?.height });
  tracks.push(main);
  if (audio?.uri) tracks.push(withLanguage(await fetchMedia(resolve(audio.uri, first.url), fetchText, 'audio'), audio));
  if (subtitles?.uri) tracks.push(withLanguage(await fetchMedia(resolve(subtitles.uri, first.url), fetchText, 'subtitles'), subtitles));
  return plan(tracks, describeVariant(chosen));
}

function plan(tracks: StreamTrack[], label: string): StreamPlan {
  const durationSeconds = tracks[0]!.items.reduce((sum, item) => sum + item.duration, 0);
  return { kind: 'hls', tracks, label, durationSeconds, fingerprint: planFingerprint('hls', tracks) };
}

/** The rendition a player would pick in a group: DEFAULT=YES, else AUTOSELECT, else the first; only one with a URI is fetched apart. */
function pickRendition(group: readonly Rendition[] | undefined): Rendition | undefined {
  const list = group ?? [];
  const chosen = list.find((r) => r.isDefault) ?? list.find((r) => r.autoselect) ?? list[0];
  return chosen?.uri ? chosen : undefined;
}

function withLanguage(track: StreamTrack, rendition: Rendition): StreamTrack {
  const language = rendition.language ?? rendition.name;
  return language ? { ...track, language } : track;
}

async function fetchMedia(url: string, fetchText: FetchText, role: TrackRole): Promise<StreamTrack> {
  const fetched = await fetchText(url);
  const playlist = parse(fetched);
  if (playlist.isMasterPlaylist) throw failure('UNSUPPORTED_STREAM', `${url} is a master playlist where a media playlist was expected`, false);
  return mediaTrack(playlist as MediaPlaylist, fetched.url, role);
}

/** One media playlist's segments as fetch items, init sections placed where they start to apply. */
export function mediaTrack(playlist: MediaPlaylist, baseUrl: string, role: TrackRole): StreamTrack {
  if (!playlist.endlist) {
    throw failure(
      'UNSUPPORTED_STREAM',
      'This is a live stream (its playlist has no EXT-X-ENDLIST): Ferry saves finished (VOD) streams only; try again once the broadcast is over and published as a recording',
      false,
    );
  }
  if (playlist.segments.length === 0) throw failure('UNSUPPORTED_STREAM', `The playlist at ${baseUrl} lists no segments`, false);
  const items: FetchItem[] = [];
  let currentInit = '';
  for (const segment of playlist.segments) {
    const key = segmentKey(segment, baseUrl);
    if (segment.map) {
      const init: FetchItem = { url: resolve(segment.map.uri, baseUrl), init: true, duration: 0 };
      if (segment.map.byterange) init.range = { offset: segment.map.byterange.offset ?? 0, length: segment.map.byterange.length };
      const id = `${init.url}#${init.range?.offset ?? ''}`;
      // A map that repeats (or returns after a discontinuity) is written again where it applies.
      if (id !== currentInit || segment.discontinuity) items.push(init);
      currentInit = id;
    }
    const item: FetchItem = { url: resolve(segment.uri, baseUrl), init: false, duration: segment.duration ?? 0 };
    if (segment.byterange) item.range = { offset: segment.byterange.offset ?? 0, length: segment.byterange.length };
    if (key) item.key = key;
    items.push(item);
  }
  return { role, container: containerOf(playlist.segments, role), items };
}

function segmentKey(segment: Segment, baseUrl: string): FetchItem['key'] {
  const key = segment.key;
  if (!key || key.method === 'NONE') return undefined;
  const problem = unsupportedKeyMessage(key.method, key.format);
  if (problem) throw failure('UNSUPPORTED_STREAM', problem, false);
  if (!key.uri) throw failure('UNSUPPORTED_STREAM', 'An EXT-X-KEY with METHOD=AES-128 names no key URI', false);
  return { keyUrl: resolve(key.uri, baseUrl), iv: key.iv ? Buffer.from(key.iv as unknown as Uint8Array) : sequenceIv(segment.mediaSequenceNumber) };
}

/** RFC 8216 5.2: without an IV attribute, the media sequence number as a 128-bit big-endian integer. */
export function sequenceIv(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(sequence))), 8);
  return iv;
}

function containerOf(segments: readonly Segment[], role: TrackRole): Container {
  if (role === 'subtitles') return 'vtt';
  if (segments.some((s) => s.map)) return 'fmp4';
  const path = (() => {
    try {
      return new URL(segments[0]!.uri, 'http://x/').pathname.toLowerCase();
    } catch {
      return '';
    }
  })();
  if (/\.(aac|mp3|ac3|ec3)$/.test(path)) return 'aac';
  if (/\.(vtt|webvtt)$/.test(path)) return 'vtt';
  if (/\.(m4s|mp4|m4a|m4v|cmfv|cmfa)$/.test(path)) return 'fmp4';
  return 'ts';
}

export type { Variant };
