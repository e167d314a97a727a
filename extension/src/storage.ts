// Settings, read fresh each time (a service worker can be stopped at any moment): capture rules in
// chrome.storage.local, endpoint and secret in the credential store that content scripts cannot
// read. Used by the service worker and the options page only.
import { loadCredentials, readStoredCredentials, saveCredentials } from './credential-store';
import { CREDENTIAL_KEYS, planCredentialMove, readSettings, splitSettings, type ExtensionSettings } from './settings';

export async function loadSettings(): Promise<ExtensionSettings> {
  await moveCredentialsOutOfLocalStorage();
  const local = (await chrome.storage.local.get(null)) as Record<string, unknown>;
  for (const key of CREDENTIAL_KEYS) delete local[key];
  return { ...readSettings(local), ...(await loadCredentials()) };
}

export async function saveSettings(patch: Partial<ExtensionSettings>): Promise<void> {
  const { credentials, rest } = splitSettings(patch);
  if (Object.keys(credentials).length > 0) await saveCredentials(credentials);
  if (Object.keys(rest).length > 0) await chrome.storage.local.set(rest);
}

let moving: Promise<void> | null = null;

/**
 * Takes endpoint and secret that an earlier version left in chrome.storage.local into the
 * credential store, and removes them there. Runs when the service worker starts and before every
 * read, so nothing reads settings before the move is done.
 */
export function moveCredentialsOutOfLocalStorage(): Promise<void> {
  moving ??= (async () => {
    const local = (await chrome.storage.local.get([...CREDENTIAL_KEYS])) as Record<string, unknown>;
    const plan = planCredentialMove(local, await readStoredCredentials());
    if (plan.take) await saveCredentials(plan.take);
    if (plan.removeFromLocal.length > 0) await chrome.storage.local.remove(plan.removeFromLocal);
  })().finally(() => {
    moving = null;
  });
  return moving;
}

/**
 * Nothing the content script needs is in chrome.storage (it only sends Alt+click URLs), so where
 * the browser can close the area to it (Chromium), it is closed: a secret written there by mistake
 * would still not reach a page. Firefox has no access level for local storage yet; there the
 * credential store alone keeps the secret away from content scripts.
 */
export async function closeLocalStorageToContentScripts(): Promise<void> {
  const local = chrome.storage.local as chrome.storage.StorageArea & { setAccessLevel?: unknown };
  if (typeof local.setAccessLevel !== 'function') return;
  await chrome.storage.local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }).catch((error: Error) => console.warn(`[ferry] local storage stays open to content scripts: ${error.message}`));
}
