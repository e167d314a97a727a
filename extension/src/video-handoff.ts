// "Download video with Ferry": a manifest the tab's page fetched goes to Ferry as a stream
// (`ferry-stream`, the variant chosen, the page's title for the name) with what the page's own
// request carried: the cookies the browser sent with it, its referrer, the user agent.
import type { CookieRequest } from './cookie-filter';
import { describe, submit } from './handoff';
import { defaultReferrer } from './referrer';
import type { HandOff } from './rpc-client';
import { loadSettings } from './storage';
import { pageTitle, videoTitle } from './video-list';
import { readTab } from './video-store';

/** A user's click has no browser download to fall back on, so it can wait for Ferry longer than a capture. */
const VIDEO_BUDGET_MS = 3000;

export async function handOffVideo(tabId: number, url: string, variant: string | undefined): Promise<HandOff> {
  // Only a manifest this tab's page really fetched: the message may come from anyone in the extension.
  const video = (await readTab(tabId)).find((v) => v.url === url);
  if (!video) return { accepted: false, reason: 'This video is no longer listed for the tab (it navigated or closed)' };
  const tab = await chrome.tabs.get(tabId).catch(() => undefined);
  const title = pageTitle(tab) || video.title;
  const documentUrl = video.frameUrl ?? video.pageUrl;
  // The manifest is the page's own resource (fetch, XHR, media), judged against the top page's site.
  const request: CookieRequest = { url, initiators: [video.pageUrl, ...(video.frameUrl ? [video.frameUrl] : [])], kind: 'subresource' };
  const submission = await describe(request, defaultReferrer(documentUrl, url), undefined, tab?.incognito ?? false);
  submission.stream = { kind: video.kind, ...(variant ? { variant } : {}), ...(title ? { title } : {}) };
  return submit(await loadSettings(), submission, VIDEO_BUDGET_MS, { name: videoTitle({ title, url }), kind: 'video' });
}
