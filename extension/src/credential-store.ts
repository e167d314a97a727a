// Where the RPC endpoint and secret live: IndexedDB of the extension's own origin. Only the
// service worker and the extension's pages (options) open it. chrome.storage.local is readable by
// the content script, which runs in every http(s) frame (a renderer a hostile page may own), and
// storage.session (trusted contexts only) forgets a secret the user typed when the browser
// restarts; IndexedDB is per origin, and a content script's indexedDB is the page's, so it keeps
// the secret across restarts in Chromium and Firefox alike without showing it to any page.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { readSettings, type RpcCredentials } from './settings';

const KEY = 'rpc';
let store: UseStore | undefined;
// Opened on first use: importing this module must not open a database (tests, the content script).
const credentialsDb = (): UseStore => (store ??= createStore('ferry', 'credentials'));

/** What is stored, unchecked (undefined when nothing is). */
export async function readStoredCredentials(): Promise<Record<string, unknown> | undefined> {
  const value: unknown = await get(KEY, credentialsDb());
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

export async function loadCredentials(): Promise<RpcCredentials> {
  const { endpoint, secret, pairedBy } = readSettings((await readStoredCredentials()) ?? {});
  return { endpoint, secret, pairedBy };
}

export async function saveCredentials(patch: Partial<RpcCredentials>): Promise<void> {
  const current = (await readStoredCredentials()) ?? {};
  await set(KEY, { ...current, ...patch }, credentialsDb());
}

export async function forgetCredentials(): Promise<void> {
  await del(KEY, credentialsDb());
}
