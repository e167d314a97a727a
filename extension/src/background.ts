// The extension's service worker: "Download with Ferry" in context menus, and capture of the
// browser's own downloads. The browser keeps a download unless Ferry accepted it in time.
import { decideCapture } from './capture-rules';
import { cookiesToForward, type CookieRequest } from './cookie-filter';
import { askNativeHost } from './pairing';
import { handOff, type HandOff } from './rpc-client';
import { isLoopbackHttpUrl, type ExtensionSettings } from './settings';
import { closeLocalStorageToContentScripts, loadSettings, moveCredentialsOutOfLocalStorage, saveSettings } from './storage';
import { cookieHeader, newGid, type Submission } from './submission';

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

chrome.runtime.onMessage.addListener((message: unknown, sender) => {
  if (sender.id !== chrome.runtime.id) return;
  const m = message as { type?: unknown; url?: unknown } | null;
  if (m?.type === 'ferry-alt-click' && typeof m.url === 'string') altClicks.set(m.url, Date.now());
  if (m?.type === 'ferry-pair') return void pair(true);
});

chrome.contextMenus.onClicked.addListener((info, tab) => {
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
  const result = await submit(settings, submission, CAPTURE_BUDGET_MS);
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
  const result = await submit(settings, submission, MENU_BUDGET_MS);
  if (result.accepted) return;
  console.warn(`[ferry] Ferry did not take ${url} (${result.reason}); the browser downloads it`);
  // Never lose the download the user asked for: the browser makes it (our own capture lets
  // downloads this extension started pass, by byExtensionId).
  await chrome.downloads.download({ url }).catch((error: Error) => console.warn(`[ferry] browser download failed too: ${error.message}`));
}

async function submit(settings: ExtensionSettings, submission: Submission, budgetMs: number): Promise<HandOff> {
  if (!settings.secret) {
    void pair(true);
    return { accepted: false, reason: 'not paired with Ferry yet' };
  }
  const result = await handOff({ endpoint: settings.endpoint, secret: settings.secret }, submission, budgetMs);
  // Ferry may have moved (another port, a new secret) or stopped: ask the native host again, for next time.
  if (!result.accepted && settings.pairedBy !== 'manual') void pair(true);
  return result;
}

async function describe(request: CookieRequest, referrer: string | undefined, suggestedName: string | undefined, incognito: boolean): Promise<Submission> {
  // Cookies of a private window stay in it.
  const cookies = incognito ? [] : await chrome.cookies.getAll({ url: request.url }).catch(() => [] as chrome.cookies.Cookie[]);
  return {
    url: request.url,
    referrer: referrer || undefined,
    userAgent: navigator.userAgent,
    // Only what the browser itself would send with this request (SameSite against the page, scope, Secure).
    cookieHeader: cookieHeader(cookiesToForward(cookies, request)),
    suggestedName: suggestedName || undefined,
    gid: newGid(),
  };
}

function takeAltClick(url: string | undefined): boolean {
  const now = Date.now();
  for (const [u, at] of altClicks) if (now - at > ALT_CLICK_MEMORY_MS) altClicks.delete(u);
  return url !== undefined && altClicks.delete(url);
}

let pairing: Promise<void> | null = null;
function pair(launch: boolean): Promise<void> {
  pairing ??= (async () => {
    const settings = await loadSettings();
    if (settings.pairedBy === 'manual') return;
    const answer = await askNativeHost(launch);
    if (answer.ok && isLoopbackHttpUrl(answer.endpoint)) await saveSettings({ endpoint: answer.endpoint, secret: answer.secret, pairedBy: 'native' });
  })().finally(() => {
    pairing = null;
  });
  return pairing;
}
