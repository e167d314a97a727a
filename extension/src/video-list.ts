// The videos seen in one tab: manifests its pages fetched, since its last navigation. Pure, so the
// rules (one entry per manifest, the playlists a master names are part of it, a bounded list) are
// tested without a browser; video-store.ts keeps the list per tab.
import type { ManifestSummary } from './manifest-summary';
import type { StreamKind } from './video-detect';

/** More than this many manifests in one page is a player polling new URLs; the oldest go. */
export const MAX_VIDEOS_PER_TAB = 40;

export interface DetectedVideo {
  /** The manifest's URL, as the page fetched it. */
  url: string;
  kind: StreamKind;
  /** The Content-Type said so (else only the URL's shape, until the body confirms it). */
  byType: boolean;
  /** The tab's page and, for a player inside a frame, the frame's document (the manifest's referrer). */
  pageUrl: string;
  frameUrl?: string;
  /** The page's title when the manifest was seen. */
  title: string;
  seenAt: number;
  /** Variants and duration, once the extension read the manifest. */
  summary?: ManifestSummary;
  /** Why the manifest could not be read here (Ferry may still can). */
  detailsMissing?: string;
}

export function withSighting(list: readonly DetectedVideo[], video: DetectedVideo): DetectedVideo[] {
  if (list.some((v) => v.url === video.url)) return [...list];
  return [...list, video].slice(-MAX_VIDEOS_PER_TAB);
}

/** What reading the manifest found: a body that is no manifest (a hint by URL only) drops the entry. */
export function withDetails(list: readonly DetectedVideo[], url: string, details: { summary: ManifestSummary } | { notAManifest: true } | { missing: string }): DetectedVideo[] {
  if ('notAManifest' in details) return list.filter((v) => v.url !== url || v.byType);
  return list.map((v) => (v.url !== url ? v : 'summary' in details ? { ...v, summary: details.summary, detailsMissing: undefined } : { ...v, detailsMissing: details.missing }));
}

/** The videos to show and count: a playlist named by another manifest in the list is part of that one. */
export function visibleVideos(list: readonly DetectedVideo[]): DetectedVideo[] {
  const named = new Set(list.flatMap((v) => v.summary?.children ?? []));
  return list.filter((v) => !named.has(v.url));
}

/** The name a video is shown (and saved) under: the page's title, else the manifest's file name. */
export function videoTitle(video: Pick<DetectedVideo, 'title' | 'url'>): string {
  const title = video.title.trim();
  if (title) return title;
  try {
    return decodeURIComponent(new URL(video.url).pathname.split('/').filter(Boolean).pop() ?? '') || video.url;
  } catch {
    return video.url;
  }
}

/** A tab's title, unless the browser shows the page's address for want of one. */
export function pageTitle(tab: { title?: string; url?: string } | undefined): string {
  const title = tab?.title?.trim() ?? '';
  if (!title || !tab?.url) return title;
  const bare = tab.url.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return title === tab.url || title === bare ? '' : title;
}
