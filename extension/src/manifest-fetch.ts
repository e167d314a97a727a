// The extension reads a manifest the page fetched, once, to list its variants and duration.
// Why fetch at all: the response body never reaches webRequest, and without the body the popup
// could neither offer a variant nor tell one video (a master playlist) from the playlists its
// player fetches next (which would count as three videos). The request is bounded in size and
// time and made once per manifest URL per tab. It carries the browser's cookies only where the
// manifest is on the page's own site: Chromium attaches even SameSite=Strict cookies to an
// extension's request, so a page must not be able to point the extension at another site's URL
// with that site's strict session. A manifest not read this way is still listed and handed over
// (Ferry fetches it with the cookies the page's own request carried).
import { siteOf } from './cookie-filter';
import { summarizeManifest, type Summary } from './manifest-summary';
import type { StreamKind } from './video-detect';

const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 5000;

/** Whether reading this manifest may carry cookies: the page (and the frame that fetched it) are on its site. */
export function readsWithCookies(url: string, pageUrl: string, frameUrl?: string): boolean {
  const site = siteOf(url);
  return site !== undefined && [pageUrl, ...(frameUrl ? [frameUrl] : [])].every((u) => siteOf(u) === site);
}

export async function readManifest(kind: StreamKind, url: string, withCookies: boolean, fetchImpl: typeof fetch = fetch): Promise<Summary> {
  const credentials: RequestCredentials = withCookies ? 'include' : 'omit';
  const first = await fetchText(url, credentials, fetchImpl);
  if (!first.ok) return first;
  const summarized = summarizeManifest(kind, first.text, first.url);
  if (!summarized.ok || !summarized.summary.durationFrom || summarized.summary.durationSeconds !== undefined) return summarized;
  // A master playlist: its first variant's playlist says how long the video is.
  const media = await fetchText(summarized.summary.durationFrom, withCookies && siteOf(summarized.summary.durationFrom) === siteOf(url) ? credentials : 'omit', fetchImpl);
  if (!media.ok) return summarized;
  const variant = summarizeManifest(kind, media.text, media.url);
  if (!variant.ok) return summarized;
  const { durationSeconds, problem } = variant.summary;
  return {
    ok: true,
    summary: { ...summarized.summary, ...(durationSeconds !== undefined ? { durationSeconds } : {}), ...(problem && !summarized.summary.problem ? { problem } : {}) },
  };
}

async function fetchText(url: string, credentials: RequestCredentials, fetchImpl: typeof fetch): Promise<{ ok: true; text: string; url: string } | { ok: false; reason: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetchImpl(url, { credentials, signal: controller.signal });
    if (!response.ok) return { ok: false, reason: `the server answered ${response.status}` };
    const declared = Number(response.headers.get('content-length'));
    if (declared > MAX_MANIFEST_BYTES) return { ok: false, reason: 'the manifest is too large to read here' };
    const bytes = await readAtMost(response, MAX_MANIFEST_BYTES);
    if (!bytes) return { ok: false, reason: 'the manifest is too large to read here' };
    return { ok: true, text: new TextDecoder().decode(bytes), url: response.url || url };
  } catch (error) {
    return { ok: false, reason: controller.signal.aborted ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

async function readAtMost(response: Response, limit: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
