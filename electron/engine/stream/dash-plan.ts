// A static DASH manifest as a StreamPlan: the video representation the choice names and the best
// audio representation of the default audio set. mpd-parser expands SegmentTemplate ($Number$,
// $Time$, SegmentTimeline) and SegmentList into segments with byte ranges; SegmentBase gives only
// the index range, so its sidx box is fetched and read (mux.js) into segments. Dynamic (live)
// manifests and ContentProtection (CENC, DRM) are refused before anything is fetched.
import { addSidxSegmentsToPlaylist, parse, type MpdManifest, type MpdPlaylist, type MpdSegment } from 'mpd-parser';
import parseSidx from 'mux.js/lib/tools/parse-sidx.js';
import type { VariantChoice } from '../../../shared/stream';
import { failure } from '../download/failures';
import { describeVariant, planFingerprint, type ByteRange, type FetchItem, type StreamPlan, type StreamTrack, type TrackRole } from './stream-plan';
import { protectedDashMessage } from './unsupported';
import { chooseVariant } from './variant-choice';

export interface DashManifest {
  text: string;
  /** After redirects: relative BaseURLs resolve against it. */
  url: string;
}

/** Fetches `range` of `url` (for SegmentBase's index). */
export type FetchRange = (url: string, range: ByteRange) => Promise<Buffer>;

export async function dashPlan(first: DashManifest, choice: VariantChoice, fetchRange: FetchRange): Promise<StreamPlan> {
  if (/<MPD\b[^>]*\btype\s*=\s*["']dynamic["']/.test(first.text)) {
    throw failure('UNSUPPORTED_STREAM', 'This is a live DASH stream (type="dynamic"): Ferry saves finished (static) streams only', false);
  }
  let manifest: MpdManifest;
  try {
    manifest = parse(first.text, { manifestUri: first.url });
  } catch (err) {
    throw failure('UNSUPPORTED_STREAM', `The DASH manifest at ${first.url} cannot be read: ${(err as Error).message}`, false);
  }
  const audioSets = Object.values(manifest.mediaGroups.AUDIO ?? {}).flatMap((group) => Object.entries(group));
  const audioSet = (audioSets.find(([, set]) => set.default) ?? audioSets[0])?.[1];
  const audioLanguage = audioSets.find(([, set]) => set === audioSet)?.[0];
  const videos = manifest.playlists.map((playlist) => ({
    playlist,
    bandwidth: playlist.attributes.BANDWIDTH ?? 0,
    width: playlist.attributes.RESOLUTION?.width,
    height: playlist.attributes.RESOLUTION?.height,
  }));
  const tracks: StreamTrack[] = [];
  let label = 'audio only';
  if (videos.length > 0) {
    const video = chooseVariant(videos, choice);
    label = describeVariant(video);
    const role: TrackRole = audioSet ? 'video' : 'main';
    tracks.push({ ...(await track(video.playlist, role, fetchRange)), bandwidth: video.bandwidth, ...(video.width ? { width: video.width, height: video.height } : {}) });
  }
  if (audioSet && audioSet.playlists.length > 0) {
    const audios = audioSet.playlists.map((playlist) => ({ playlist, bandwidth: playlist.attributes.BANDWIDTH ?? 0 }));
    const audio = chooseVariant(audios, choice.by === 'worst' ? choice : { by: 'best' });
    const audioTrack = await track(audio.playlist, tracks.length > 0 ? 'audio' : 'main', fetchRange);
    tracks.push({ ...audioTrack, bandwidth: audio.bandwidth, ...(audioLanguage && audioLanguage !== 'main' ? { language: audioLanguage } : {}) });
  }
  if (tracks.length === 0) throw failure('UNSUPPORTED_STREAM', 'The DASH manifest offers no video or audio representation', false);
  const durationSeconds = tracks[0]!.items.reduce((sum, item) => sum + item.duration, 0);
  return { kind: 'dash', tracks, label, durationSeconds, fingerprint: planFingerprint('dash', tracks) };
}

async function track(playlist: MpdPlaylist, role: TrackRole, fetchRange: FetchRange): Promise<StreamTrack> {
  const schemes = Object.keys(playlist.contentProtection ?? {});
  if (schemes.length > 0) throw failure('UNSUPPORTED_STREAM', protectedDashMessage(schemes), false);
  if (playlist.segments.length === 0 && playlist.sidx) await addIndexedSegments(playlist, fetchRange);
  if (playlist.segments.length === 0) throw failure('UNSUPPORTED_STREAM', 'A DASH representation lists no segments', false);
  const items: FetchItem[] = [];
  let currentInit = '';
  for (const segment of playlist.segments) {
    if (segment.map) {
      const init: FetchItem = { url: segment.map.resolvedUri, init: true, duration: 0, ...rangeOf(segment.map.byterange) };
      const id = `${init.url}#${init.range?.offset ?? ''}`;
      if (id !== currentInit) items.push(init);
      currentInit = id;
    }
    items.push(mediaItem(segment));
  }
  const container = /\.(ts|m2ts)$/i.test(new URL(playlist.segments[0]!.resolvedUri).pathname) ? 'ts' : 'fmp4';
  return { role, container, items };
}

function mediaItem(segment: MpdSegment): FetchItem {
  return { url: segment.resolvedUri, init: false, duration: segment.duration ?? 0, ...rangeOf(segment.byterange) };
}

function rangeOf(range: { offset: number; length: number } | undefined): { range?: ByteRange } {
  return range ? { range: { offset: Number(range.offset), length: Number(range.length) } } : {};
}

/** SegmentBase: the sidx box at indexRange lists the segments as byte ranges of the one file. */
async function addIndexedSegments(playlist: MpdPlaylist, fetchRange: FetchRange): Promise<void> {
  const sidx = playlist.sidx!;
  const bytes = await fetchRange(sidx.resolvedUri, { offset: Number(sidx.byterange.offset), length: Number(sidx.byterange.length) });
  if (bytes.length < 8 || bytes.subarray(4, 8).toString('latin1') !== 'sidx') {
    throw failure('UNSUPPORTED_STREAM', `The index range of ${sidx.resolvedUri} is not a sidx box; Ferry cannot find its segments`, false);
  }
  const parsed = parseSidx(new Uint8Array(bytes.buffer, bytes.byteOffset + 8, bytes.length - 8));
  addSidxSegmentsToPlaylist(playlist, parsed, sidx.resolvedUri);
}
