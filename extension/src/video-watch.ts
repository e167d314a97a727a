// Watches the responses of the pages' own requests for HLS and DASH manifests (webRequest response
// headers), keeps them per tab until the tab navigates or closes, reads each manifest once for its
// variants and duration, and shows the count on the toolbar button of that tab.
import { readManifest, readsWithCookies } from './manifest-fetch';
import { headerValue, manifestSighting } from './video-detect';
import { pageTitle, visibleVideos, withDetails, withSighting, type DetectedVideo } from './video-list';
import { clearTab, readTab, updateTab } from './video-store';

export function watchVideos(onTabChanged: (tabId: number) => void): void {
  void chrome.action.setBadgeBackgroundColor({ color: '#1f6feb' }).catch(() => undefined);
  chrome.webRequest.onResponseStarted.addListener(
    (details) => {
      if (details.tabId < 0) return; // the extension's own requests (reading a manifest) and the browser's
      const sighting = manifestSighting({ url: details.url, statusCode: details.statusCode, type: details.type, contentType: headerValue(details.responseHeaders, 'content-type') });
      if (sighting) void seen(details.tabId, details.frameId, details.url, sighting.kind, sighting.byType).then(() => onTabChanged(details.tabId));
    },
    { urls: ['http://*/*', 'https://*/*'] },
    ['responseHeaders'],
  );
  // A new document in the tab: the videos of the last one are gone (same-document navigations keep them).
  chrome.webNavigation.onCommitted.addListener((details) => {
    if (details.frameId !== 0) return;
    void clearTab(details.tabId).then(() => showCount(details.tabId, [])).then(() => onTabChanged(details.tabId));
  });
  chrome.tabs.onRemoved.addListener((tabId) => void clearTab(tabId));
}

/** Sightings being handled: a player that asks for the same playlist twice at once is read once. */
const handling = new Set<string>();

async function seen(tabId: number, frameId: number, url: string, kind: DetectedVideo['kind'], byType: boolean): Promise<void> {
  const key = `${tabId} ${url}`;
  if (handling.has(key)) return;
  handling.add(key);
  try {
    await handle(tabId, frameId, url, kind, byType);
  } finally {
    handling.delete(key);
  }
}

async function handle(tabId: number, frameId: number, url: string, kind: DetectedVideo['kind'], byType: boolean): Promise<void> {
  const tab = await chrome.tabs.get(tabId).catch(() => undefined);
  if (!tab?.url) return;
  const frameUrl = frameId > 0 ? (await chrome.webNavigation.getFrame({ tabId, frameId }).catch(() => null))?.url : undefined;
  const before = await readTab(tabId);
  if (before.some((v) => v.url === url)) return;
  const list = await updateTab(tabId, (l) => withSighting(l, { url, kind, byType, pageUrl: tab.url!, ...(frameUrl ? { frameUrl } : {}), title: pageTitle(tab), seenAt: Date.now() }));
  await showCount(tabId, list);
  // The service worker's fetch carries the main profile's cookies, never a private window's.
  if (tab.incognito) return void (await updateTab(tabId, (l) => withDetails(l, url, { missing: 'not read in a private window' })));
  const read = await readManifest(kind, url, readsWithCookies(url, tab.url, frameUrl));
  const details = read.ok ? { summary: read.summary } : /^not an? (HLS|DASH)/.test(read.reason) ? ({ notAManifest: true } as const) : { missing: read.reason };
  await showCount(tabId, await updateTab(tabId, (l) => withDetails(l, url, details)));
}

async function showCount(tabId: number, list: readonly DetectedVideo[]): Promise<void> {
  const count = visibleVideos(list).length;
  await chrome.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' }).catch(() => undefined);
}
