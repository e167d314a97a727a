// Settings in chrome.storage.local, read fresh each time: a service worker can be stopped at any moment.
import { readSettings, type ExtensionSettings } from './settings';

export async function loadSettings(): Promise<ExtensionSettings> {
  return readSettings((await chrome.storage.local.get(null)) as Record<string, unknown>);
}

export async function saveSettings(patch: Partial<ExtensionSettings>): Promise<void> {
  await chrome.storage.local.set(patch);
}
