// The URLs one download is fetched from (its URL and its mirrors) and what is known of each,
// mapped between the places that hold them: the request says which URLs, in order; the resume data
// holds each one's facts (the primary's at the top, as records of older versions have them, the
// mirrors' in `mirrors`); the view shows them. Pure functions, so the engine's commands (a new
// address, mirrors added) and the worker's checkpoints map them the same way.
import type { SourceView } from '../../../shared/transfer';
import { originAfterHop, originOf, sameOrigin, type HeaderOrigin } from '../origin-headers';
import type { DownloadRequest, DownloadResumeData, SourceFacts } from '../types';
import { ifRangeValidator } from './response-check';

/** The download's URLs, its own first, each once (aria2 clients may list one twice). */
export function urlsOf(request: Pick<DownloadRequest, 'url' | 'mirrors'>): string[] {
  return [...new Set([request.url, ...(request.mirrors ?? [])])];
}

/** The origin the user's headers were given for: the URL's own, unless the URL changed since. */
export function headersOriginOf(request: Pick<DownloadRequest, 'url' | 'headersOrigin'>): HeaderOrigin {
  return request.headersOrigin ?? originOf(request.url);
}

/** Each URL's facts in the request's order; a URL the resume data does not know starts unverified. */
export function sourcesFrom(request: Pick<DownloadRequest, 'url' | 'mirrors'>, resume: Partial<DownloadResumeData>): SourceFacts[] {
  const known = new Map<string, SourceFacts>();
  for (const mirror of resume.mirrors ?? []) known.set(mirror.url, { ...mirror });
  if (resume.url !== undefined) {
    const primary: SourceFacts = { url: resume.url, verified: !resume.urlUnverified };
    if (resume.finalUrl !== undefined) primary.finalUrl = resume.finalUrl;
    if (resume.finalUrlKeepsHeaders !== undefined) primary.finalUrlKeepsHeaders = resume.finalUrlKeepsHeaders;
    if (resume.etag !== undefined) primary.etag = resume.etag;
    if (resume.lastModified !== undefined) primary.lastModified = resume.lastModified;
    if (resume.urlDropped !== undefined) primary.dropped = resume.urlDropped;
    known.set(resume.url, primary);
  }
  return urlsOf(request).map((url) => known.get(url) ?? { url });
}

/** The resume data's part that holds the sources' facts (undefined values remove a fact). */
export function resumeOfSources(sources: readonly SourceFacts[]): Partial<DownloadResumeData> {
  const [primary, ...mirrors] = sources;
  if (!primary) return {};
  return {
    url: primary.url,
    finalUrl: primary.finalUrl,
    finalUrlKeepsHeaders: primary.finalUrlKeepsHeaders,
    etag: primary.etag,
    lastModified: primary.lastModified,
    urlUnverified: primary.verified ? undefined : true,
    urlDropped: primary.dropped,
    mirrors: mirrors.length > 0 ? mirrors.map((m) => ({ ...m })) : undefined,
  };
}

/** What a view shows of them: only for a download with more than one URL. */
export function sourcesView(sources: readonly SourceFacts[]): SourceView[] | undefined {
  if (sources.length < 2) return undefined;
  return sources.map((s) => {
    if (s.dropped !== undefined) return { url: s.url, status: 'dropped', reason: s.dropped };
    const used = s.verified && (s.etag !== undefined || s.lastModified !== undefined || s.finalUrl !== undefined);
    return { url: s.url, status: used ? 'serving' : 'waiting' };
  });
}

export function isLive(source: SourceFacts): boolean {
  return source.dropped === undefined;
}

/** The source a single connection uses: the first one not dropped (there is always one). */
export function currentSource(sources: readonly SourceFacts[]): SourceFacts {
  return sources.find(isLive) ?? sources[0]!;
}

/** Where requests for ranges go: straight to where the URL's redirects ended. */
export function requestUrlOf(source: SourceFacts): string {
  return source.finalUrl ?? source.url;
}

/**
 * The origin the user's headers stand for at the source's final URL: none when the source is on
 * another origin than they were given for, or its redirects left it (origin-headers.ts). A record
 * of an older version that did not note the redirects is judged by the two URLs.
 */
export function headersOriginAt(source: SourceFacts, headersOrigin: HeaderOrigin): HeaderOrigin {
  const start = originAfterHop(headersOrigin, source.url);
  if (source.finalUrl === undefined) return start;
  const kept = source.finalUrlKeepsHeaders ?? sameOrigin(source.finalUrl, source.url);
  return kept ? start : null;
}

/**
 * Whether the bytes of a .part may be continued: some source can prove it serves the same file,
 * either a verified one with a validator for If-Range, or one whose bytes are still to be compared.
 */
export function canContinue(sources: readonly SourceFacts[]): boolean {
  return sources.some((s) => isLive(s) && (!s.verified || ifRangeValidator(s) !== undefined));
}

/**
 * Sources made to follow the request's URL list as it is now (mirrors added or taken away while an
 * attempt runs); a source kept is the same object. Returns whether anything changed.
 */
export function followRequest(sources: SourceFacts[], request: Pick<DownloadRequest, 'url' | 'mirrors'>): boolean {
  const urls = urlsOf(request);
  if (urls.length === sources.length && urls.every((url, i) => sources[i]!.url === url)) return false;
  const next = urls.map((url) => sources.find((s) => s.url === url) ?? { url });
  sources.splice(0, sources.length, ...next);
  return true;
}
