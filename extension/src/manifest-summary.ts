// What the popup and the context menu say about a manifest the page fetched: its variants (best
// first, with the `ferry-variant` value that picks each), its duration, whether Ferry can save it
// (finished and not DRM-protected: Ferry refuses the rest itself, this only says so early), and the
// playlists it names, which the page's player fetches too and which are not videos of their own.
// Parsing is hls-parser's and mpd-parser's, the libraries Ferry's engine reads streams with.
import * as HLS from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types';
import { parse as parseMpd, type MpdPlaylist } from 'mpd-parser';
import type { StreamKind } from './video-detect';

HLS.setOptions({ strictMode: false, silent: true });

export interface VariantOption {
  /** "1280×720 · 2.5 Mbit/s" */
  label: string;
  /** What `ferry-variant` gets to pick exactly this one: "1280x720", or a bandwidth. */
  value: string;
}

export interface ManifestSummary {
  kind: StreamKind;
  /** Best first; empty when the manifest offers one rendition only. */
  variants: VariantOption[];
  durationSeconds?: number;
  /** Why Ferry cannot save it (a live stream, DRM), in words. */
  problem?: string;
  /** Playlists this one names (HLS variants and renditions). */
  children: string[];
  /** A master playlist names no duration: one of its media playlists does. */
  durationFrom?: string;
}

export type Summary = { ok: true; summary: ManifestSummary } | { ok: false; reason: string };

export function summarizeManifest(kind: StreamKind, text: string, url: string): Summary {
  return kind === 'hls' ? summarizeHls(text, url) : summarizeDash(text, url);
}

interface Rendition {
  width?: number;
  height?: number;
  bandwidth?: number;
}

/** Best first (bandwidth, then picture size), each with the `ferry-variant` value that picks it alone. */
export function variantOptions(renditions: readonly Rendition[]): VariantOption[] {
  const sorted = [...renditions].sort((a, b) => (b.bandwidth ?? 0) - (a.bandwidth ?? 0) || (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0));
  const sizeKey = (r: Rendition) => (r.width && r.height ? `${r.width}x${r.height}` : '');
  const sizes = sorted.map(sizeKey);
  return sorted.map((r, i) => {
    const size = sizes[i]!;
    const unique = size !== '' && sizes.indexOf(size) === sizes.lastIndexOf(size);
    const parts = [size.replace('x', '×'), r.bandwidth ? formatBandwidth(r.bandwidth) : ''].filter(Boolean);
    return { label: parts.join(' · ') || `variant ${i + 1}`, value: unique ? size : r.bandwidth ? String(r.bandwidth) : 'best' };
  });
}

function formatBandwidth(bps: number): string {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(1)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

function summarizeHls(text: string, url: string): Summary {
  if (!text.trimStart().startsWith('#EXTM3U')) return { ok: false, reason: 'not an HLS playlist (no #EXTM3U)' };
  let playlist: MasterPlaylist | MediaPlaylist;
  try {
    playlist = HLS.parse(text);
  } catch (error) {
    return { ok: false, reason: `the playlist cannot be read: ${(error as Error).message}` };
  }
  const resolve = (uri: string) => new URL(uri, url).toString();
  if (playlist.isMasterPlaylist) {
    const master = playlist as MasterPlaylist;
    const renditions = master.variants.flatMap((v) => [...v.audio, ...v.video, ...v.subtitles, ...v.closedCaptions]);
    const children = [...new Set([...master.variants.map((v) => v.uri), ...renditions.map((r) => r.uri)].filter((u): u is string => Boolean(u)).map(resolve))];
    const drm = master.sessionKeyList?.map(keyProblem).find(Boolean);
    const variants = variantOptions(master.variants.map((v) => ({ width: v.resolution?.width, height: v.resolution?.height, bandwidth: v.bandwidth })));
    const first = master.variants[0]?.uri;
    return {
      ok: true,
      summary: { kind: 'hls', variants: variants.length > 1 ? variants : [], children, ...(drm ? { problem: drm } : {}), ...(first ? { durationFrom: resolve(first) } : {}) },
    };
  }
  const media = playlist as MediaPlaylist;
  const durationSeconds = media.segments.reduce((sum, s) => sum + (s.duration || 0), 0);
  const drm = media.segments.map((s) => (s.key ? keyProblem(s.key) : undefined)).find(Boolean);
  const live = !media.endlist && media.playlistType !== 'VOD';
  const problem = drm ?? (live ? 'A live stream: Ferry saves finished streams only' : undefined);
  return { ok: true, summary: { kind: 'hls', variants: [], children: [], ...(live ? {} : { durationSeconds }), ...(problem ? { problem } : {}) } };
}

function keyProblem(key: { method: string; format?: string }): string | undefined {
  const format = key.format?.toLowerCase();
  if (key.method === 'NONE') return undefined;
  if (format && format !== 'identity') return 'Protected by DRM: Ferry cannot save it';
  if (key.method !== 'AES-128') return `Encrypted with ${key.method}: Ferry cannot save it`;
  return undefined;
}

function summarizeDash(text: string, url: string): Summary {
  if (!/<MPD[\s>]/.test(text)) return { ok: false, reason: 'not a DASH manifest (no <MPD>)' };
  // A live manifest is not parsed at all: mpd-parser would list every segment since its start.
  if (/<MPD\b[^>]*\btype\s*=\s*["']dynamic["']/.test(text)) {
    return { ok: true, summary: { kind: 'dash', variants: [], children: [], problem: 'A live stream: Ferry saves finished streams only' } };
  }
  let playlists: MpdPlaylist[];
  let duration: number | undefined;
  try {
    const manifest = parseMpd(text, { manifestUri: url });
    playlists = manifest.playlists;
    duration = manifest.duration;
  } catch (error) {
    return { ok: false, reason: `the manifest cannot be read: ${(error as Error).message}` };
  }
  const isProtected = /<ContentProtection\b/.test(text);
  const problem = isProtected ? 'Encrypted (DRM or CENC): Ferry cannot save it' : undefined;
  const variants = variantOptions(playlists.map((p) => ({ width: p.attributes.RESOLUTION?.width, height: p.attributes.RESOLUTION?.height, bandwidth: p.attributes.BANDWIDTH })));
  return {
    ok: true,
    summary: { kind: 'dash', variants: variants.length > 1 ? variants : [], children: [], ...(duration ? { durationSeconds: duration } : {}), ...(problem ? { problem } : {}) },
  };
}
