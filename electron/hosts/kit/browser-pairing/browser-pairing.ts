// Called where Ferry starts serving its aria2 RPC: (re)installs the native-messaging host for the
// user's browsers, so Ferry's extension pairs itself. Best effort: a browser folder Ferry cannot
// write to is a warning, never a failed start.
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../host/package-root';
import { installNativeHost, type LaunchCommand } from './manifests';

export interface BrowserPairing {
  /** How a browser runs the host. */
  host: LaunchCommand;
  /** How the host starts this Ferry when it is not running (the desktop app only). */
  launch?: LaunchCommand;
}

/** The host under plain Node, as `ferry serve` / `ferry rpc` run: node and bin/ferry-native-host.js. */
export function nodeBrowserPairing(): BrowserPairing {
  return { host: { command: process.execPath, args: [path.join(packageRoot(), 'bin', 'ferry-native-host.js')] } };
}

export async function installBrowserPairing(dataDir: string, pairing: BrowserPairing, warn: (message: string) => void): Promise<string[]> {
  try {
    return await installNativeHost({ home: os.homedir(), platform: process.platform, dataDir, ...pairing });
  } catch (error) {
    warn(`Could not set up pairing with Ferry's browser extension: ${(error as Error).message}`);
    return [];
  }
}
