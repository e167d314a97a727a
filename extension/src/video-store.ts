// The videos seen per tab, in chrome.storage.session: it outlives the service worker (which the
// browser stops when idle) but not the browser, and only the extension's own pages and worker
// read it. Changes run one after another, so two responses arriving together cannot lose one.
import type { DetectedVideo } from './video-list';

const keyOf = (tabId: number) => `videos:${tabId}`;
let queue: Promise<unknown> = Promise.resolve();

export async function readTab(tabId: number): Promise<DetectedVideo[]> {
  const key = keyOf(tabId);
  const stored = (await chrome.storage.session.get(key))[key];
  return Array.isArray(stored) ? (stored as DetectedVideo[]) : [];
}

/** Applies `change` to the tab's list; resolves with the new list. */
export function updateTab(tabId: number, change: (list: DetectedVideo[]) => DetectedVideo[]): Promise<DetectedVideo[]> {
  const run = queue.then(async () => {
    const next = change(await readTab(tabId));
    await chrome.storage.session.set({ [keyOf(tabId)]: next });
    return next;
  });
  queue = run.catch(() => undefined);
  return run;
}

export function clearTab(tabId: number): Promise<void> {
  const run = queue.then(() => chrome.storage.session.remove(keyOf(tabId)));
  queue = run.catch(() => undefined);
  return run;
}

/** The storage key's tab, for listeners of chrome.storage.onChanged. */
export function tabOfKey(key: string): number | undefined {
  const match = /^videos:(\d+)$/.exec(key);
  return match ? Number(match[1]) : undefined;
}
