// The extension's service worker: "Download with Ferry" in context menus, capture of the
// browser's own downloads (the browser keeps a download unless Ferry accepted it in time), and the
// videos pages play ("Download video with Ferry", the toolbar badge and popup).
import { decideCapture } from './capture-rules';
import type { CookieRequest } from './cookie-filter';
import { describe, linkName, pair, submit } from './handoff';
import { isPopupRequest, LAST_PROBLEM_KEY, type VideoHandoffAnswer } from './messages';
import { closeLocalStorageToContentScripts, loadSettings, moveCredentialsOutOfLocalStorage } from './storage';
import { handOffVideo } from './video-handoff';
import { refreshVideoMenu, videoOfMenuItem } from './video-menu';
import { readTab } from './video-store';
import { watchVideos } from './video-watch';

/** How long a captured browser download waits for Ferry before the browser keeps it. */
const CAPTURE_BUDGET_MS = 500;
/** A context-menu click has no browser download to fall back on yet, so it can wait longer. */
const MENU_BUDGET_MS = 3000;
const ALT_CLICK_MEMORY_MS = 5000;
const MENU_ID = 'ferry-download';

/** URLs of links clicked with Alt, which the user wants the browser to keep. */
const altClicks = new Map<string, number>();

// Every start of the worker (an update included): an earlier version's secret leaves chrome.storage.local.
void closeLocalStorageToContentScripts();
void moveCredentialsOutOfLocalStorage().catch((error: Error) => console.warn(`[ferry] could not move the RPC secret out of local storage: ${error.message}`));

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: MENU_ID, title: 'Download with Ferry', contexts: ['link', 'image', 'video', 'audio'] });
  });
  void pair(false);
});
chrome.runtime.onStartup.addListener(() => void pair(false));

watchVideos((tabId) => void chrome.tabs.get(tabId).then((tab) => tab.active && refreshVideoMenu(), () => undefined));
chrome.tabs.onActivated.addListener(() => refreshVideoMenu());
chrome.windows.onFocusChanged.addListener(() => refreshVideoMenu());

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return;
  const m = message as { type?: unknown; url?: unknown } | null;
  if (m?.type === 'ferry-alt-click' && typeof m.url === 'string') altClicks.set(m.url, Date.now());
  // Requests that act (hand a video over, pair) come only from the extension's own pages, never
  // from the content script, which runs in every page's renderer.
  if (!sender.url?.startsWith(chrome.runtime.getURL(''))) return;
  if (m?.type === 'ferry-pair') return void pair(true);
  if (isPopupRequest(message)) {
    void handOffVideo(message.tabId, message.url, message.variant).then((answer: VideoHandoffAnswer) => sendResponse(answer));
    return true;
  }
});

chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (tab?.id !== undefined && String(info.menuItemId).startsWith('ferry-video')) return void videoFromMenu(tab.id, info.menuItemId);
  if (info.menuItemId !== MENU_ID) return;
  const url = info.linkUrl ?? info.srcUrl;
  if (!url) return;
  const initiators = [info.pageUrl, info.frameUrl].filter((u): u is string => Boolean(u));
  // A link is followed as a navigation; an image/video/audio is the page's own resource.
  const request: CookieRequest = { url, initiators, kind: info.linkUrl ? 'navigation' : 'subresource' };
  void sendFromMenu(request, info.pageUrl, tab?.incognito ?? false);
});

// Chromium holds the download in onDeterminingFilename until suggest() is called, before a file
// is created; Firefox has no such event, so there the download is paused as soon as it exists.
if (chrome.downloads.onDeterminingFilename) {
  chrome.downloads.onDeterminingFilename.addListener((item, suggest) => {
    void consider(item).then((taken) => {
      if (!taken) suggest();
    });
    return true;
  });
} else {
  chrome.downloads.onCreated.addListener((item) => {
    void (async () => {
      const wasPaused = await chrome.downloads.pause(item.id).then(() => true, () => false);
      const taken = await consider(item);
      if (!taken && wasPaused) await chrome.downloads.resume(item.id).catch(() => undefined);
    })();
  });
}

async function consider(item: chrome.downloads.DownloadItem): Promise<boolean> {
  const settings = await loadSettings();
  const decision = decideCapture(
    {
      url: item.url,
      finalUrl: item.finalUrl,
      filename: item.filename,
      mime: item.mime,
      totalBytes: item.totalBytes > 0 ? item.totalBytes : item.fileSize,
      byExtensionId: item.byExtensionId,
      incognito: item.incognito,
    },
    settings,
    { altClicked: takeAltClick(item.url) || takeAltClick(item.finalUrl), ownExtensionId: chrome.runtime.id },
  );
  if (!decision.capture) return false;
  const url = item.finalUrl || item.url;
  const request: CookieRequest = {
    url,
    redirectedFrom: url === item.url ? [] : [item.url],
    // The referrer is the page that started it; without one the initiator is unknown (cross-site).
    initiators: item.referrer ? [item.referrer] : [],
    kind: 'navigation',
  };
  const submission = await describe(request, item.referrer, item.filename, item.incognito);
  // The browser's announced size (-1 or 0 when unknown): Ferry matches it with an unfinished download of the same name.
  const size = item.totalBytes > 0 ? item.totalBytes : item.fileSize;
  if (size > 0) submission.size = size;
  const result = await submit(settings, submission, CAPTURE_BUDGET_MS, { name: linkName(url, item.filename), kind: 'link' });
  if (!result.accepted) {
    console.warn(`[ferry] the browser keeps ${submission.url}: ${result.reason}`);
    return false;
  }
  // Only now, with Ferry's acceptance in hand, may the browser's own download go.
  await chrome.downloads.cancel(item.id).catch(() => undefined);
  await chrome.downloads.erase({ id: item.id }).catch(() => undefined);
  return true;
}

async function sendFromMenu(request: CookieRequest, pageUrl: string | undefined, incognito: boolean): Promise<void> {
  const { url } = request;
  const settings = await loadSettings();
  const submission = await describe(request, pageUrl, undefined, incognito);
  const result = await submit(settings, submission, MENU_BUDGET_MS, { name: linkName(url, undefined), kind: 'link' });
  if (result.accepted) return;
  console.warn(`[ferry] Ferry did not take ${url} (${result.reason}); the browser downloads it`);
  // Never lose the download the user asked for: the browser makes it (our own capture lets
  // downloads this extension started pass, by byExtensionId).
  await chrome.downloads.download({ url }).catch((error: Error) => console.warn(`[ferry] browser download failed too: ${error.message}`));
}

function takeAltClick(url: string | undefined): boolean {
  const now = Date.now();
  for (const [u, at] of altClicks) if (now - at > ALT_CLICK_MEMORY_MS) altClicks.delete(u);
  return url !== undefined && altClicks.delete(url);
}

/** A video from the context menu: the best variant. When Ferry did not take it, the popup says why and what to do. */
async function videoFromMenu(tabId: number, menuItemId: string | number): Promise<void> {
  const video = videoOfMenuItem(menuItemId, await readTab(tabId));
  if (!video) return;
  const result = await handOffVideo(tabId, video.url, undefined);
  if (result.accepted) return;
  console.warn(`[ferry] Ferry did not take the video ${video.url}: ${result.reason}`);
  await chrome.storage.session.set({ [LAST_PROBLEM_KEY]: { at: Date.now(), reason: result.reason } });
  await chrome.action.openPopup().catch(() => undefined);
}
