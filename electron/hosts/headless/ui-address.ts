// The browser UI's address survives restarts: its port and token are kept in the data folder, in
// one file holding the whole URL (`ui-url`), so the same URL works again, an open tab reconnects by
// itself, and a user who lost the terminal line finds the current URL there. The file carries the
// token, which owns the machine: mode 0600, written whole (temp file, then rename) or not at all.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The port a first start tries (aria2's RPC is 6800 by default; the UI sits beside it). */
export const DEFAULT_UI_PORT = 6801;
export const UI_URL_FILE = 'ui-url';

export interface UiAddress {
  /** The port to try: the one used last, else the default. */
  port: number;
  token: string;
}

export function uiUrlFile(dataDir: string): string {
  return path.join(dataDir, UI_URL_FILE);
}

/** The last address from the data folder; a missing or unreadable file gives the default port and a new token. */
export async function loadUiAddress(dataDir: string, options: { newToken?: boolean } = {}): Promise<UiAddress> {
  const text = await readFile(uiUrlFile(dataDir), 'utf8').catch(() => '');
  const found = /:(\d{1,5})\/#token=([0-9a-f]{64})\s*$/.exec(text);
  const port = found ? Number(found[1]) : DEFAULT_UI_PORT;
  return {
    port: port > 0 && port <= 65535 ? port : DEFAULT_UI_PORT,
    token: found && !options.newToken ? found[2]! : randomBytes(32).toString('hex'),
  };
}

/** Keeps `url` (with its port and token) for the next start. */
export async function saveUiUrl(dataDir: string, url: string): Promise<void> {
  const file = uiUrlFile(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    // `mode` applies when the file is created; chmod as well, in case a stale temp file was there.
    await writeFile(temp, `${url}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
