// Handing something to Ferry from the service worker: what to send (cookies the browser itself
// would send, referrer, user agent), the RPC call within a time budget, the record the popup shows,
// and pairing through the native host when there is no secret yet or Ferry moved.
import { cookiesToForward, type CookieRequest } from './cookie-filter';
import { recordHandoff, type HandoffRecord } from './handoff-log';
import { PAIRING_PROBLEM_KEY } from './messages';
import { askNativeHost } from './pairing';
import { handOff, type HandOff } from './rpc-client';
import { isLoopbackHttpUrl, type ExtensionSettings } from './settings';
import { loadSettings, saveSettings } from './storage';
import { cookieHeader, newGid, type Submission } from './submission';

export async function describe(request: CookieRequest, referrer: string | undefined, suggestedName: string | undefined, incognito: boolean): Promise<Submission> {
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

export async function submit(settings: ExtensionSettings, submission: Submission, budgetMs: number, shown: Pick<HandoffRecord, 'name' | 'kind'>): Promise<HandOff> {
  if (!settings.secret) {
    void pair(true);
    return { accepted: false, reason: 'not paired with Ferry yet' };
  }
  const result = await handOff({ endpoint: settings.endpoint, secret: settings.secret }, submission, budgetMs);
  if (result.accepted) {
    await recordHandoff({ gid: result.gid, url: submission.url, at: Date.now(), ...shown }).catch((error: Error) => console.warn(`[ferry] could not note the handoff for the popup: ${error.message}`));
  } else if (settings.pairedBy !== 'manual') {
    // Ferry may have moved (another port, a new secret) or stopped: ask the native host again, for next time.
    void pair(true);
  }
  return result;
}

/** What a link handoff is called in the popup: the suggested file name, else the URL's last part. */
export function linkName(url: string, suggestedName: string | undefined): string {
  const base = (suggestedName ?? '').split(/[\\/]/).pop()?.trim();
  if (base) return base;
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '') || url;
  } catch {
    return url;
  }
}

let pairing: Promise<void> | null = null;
export function pair(launch: boolean): Promise<void> {
  pairing ??= (async () => {
    const settings = await loadSettings();
    if (settings.pairedBy === 'manual') return;
    const answer = await askNativeHost(launch);
    if (answer.ok && isLoopbackHttpUrl(answer.endpoint)) {
      await saveSettings({ endpoint: answer.endpoint, secret: answer.secret, pairedBy: 'native' });
      await chrome.storage.session.remove(PAIRING_PROBLEM_KEY);
    } else {
      const reason = answer.ok ? `Ferry's native host named an endpoint off this computer (${answer.endpoint})` : answer.reason;
      await chrome.storage.session.set({ [PAIRING_PROBLEM_KEY]: reason });
    }
  })()
    .catch((error: Error) => console.warn(`[ferry] pairing failed: ${error.message}`))
    .finally(() => {
      pairing = null;
    });
  return pairing;
}
