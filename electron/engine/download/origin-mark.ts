// The platform's "this file came from the internet" mark, written on every finished download as
// browsers do, so the desktop (file managers, Gatekeeper, SmartScreen, Office's protected view)
// can treat it with the suspicion it deserves:
// - Linux and the BSDs: the xattrs `user.xdg.origin.url` / `user.xdg.referrer.url` (freedesktop's
//   common extended attributes, written by Chromium and `wget --xattr`);
// - macOS: `com.apple.quarantine`, in the format Safari and Chromium write;
// - Windows: the `Zone.Identifier` alternate data stream with ZoneId=3 (Internet).
// Marking is best effort by design: a file system without user xattrs (tmpfs on older kernels,
// FAT, some network mounts) or a missing native binding must never fail a download whose bytes
// are already verified. The caller gets back whether the mark was written, for logs and tests.
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface DownloadOrigin {
  /** Where the bytes came from (the last URL of the redirect chain). */
  url: string;
  /** The page that linked to it, when a browser handed the download over. */
  referrer?: string;
}

interface XattrBinding {
  setAttribute(path: string, name: string, value: Buffer | string): Promise<void>;
}

// A variable specifier: bundlers (the CLI's and the main process's esbuild) leave the native
// package to be resolved at run time instead of trying to inline a .node file.
const XATTR_PACKAGE = '@napi-rs/xattr';
let binding: Promise<XattrBinding | undefined> | undefined;

/**
 * The CLI runs as a bundle in the user's cache folder, where a bare import finds no node_modules:
 * there the package is looked up from the running script (bin/ferry.js inside the install).
 */
function requireFromEntryScript(): XattrBinding | undefined {
  try {
    const script = process.argv[1];
    return script ? (createRequire(realpathSync(script))(XATTR_PACKAGE) as XattrBinding) : undefined;
  } catch {
    return undefined;
  }
}

function loadXattr(): Promise<XattrBinding | undefined> {
  binding ??= import(/* @vite-ignore */ XATTR_PACKAGE).then(
    (module: XattrBinding & { default?: XattrBinding }) => (typeof module.setAttribute === 'function' ? module : module.default),
    () => requireFromEntryScript(),
  );
  return binding;
}

/**
 * The URL as it may be stored next to the file: no user:password (a secret must not end up in a
 * file's metadata, readable by anyone who can read the file) and no fragment (never sent anyway).
 */
export function displayableOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    parsed.username = '';
    parsed.password = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    return undefined;
  }
}

/** The Referer a download request carried, if any (header names are case-insensitive). */
export function referrerOf(headers: Record<string, string> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() === 'referer') return value;
  return undefined;
}

/** Writes the platform's origin mark on `filePath`; resolves to whether it was written. Never throws. */
export async function markFromInternet(filePath: string, origin: DownloadOrigin, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const url = displayableOrigin(origin.url);
  if (!url) return false;
  const referrer = origin.referrer ? displayableOrigin(origin.referrer) : undefined;
  try {
    if (platform === 'win32') {
      // The stream Edge and Chrome write; Windows reads ZoneId, the URLs are informational.
      const lines = ['[ZoneTransfer]', 'ZoneId=3', ...(referrer ? [`ReferrerUrl=${referrer}`] : []), `HostUrl=${url}`];
      await writeFile(`${filePath}:Zone.Identifier`, lines.join('\r\n') + '\r\n');
      return true;
    }
    const xattr = await loadXattr();
    if (!xattr) return false;
    if (platform === 'darwin') {
      // flags;hex seconds;agent;UUID. 0081 = "downloaded, not yet opened" as Safari writes it.
      const seconds = Math.floor(Date.now() / 1000).toString(16);
      await xattr.setAttribute(filePath, 'com.apple.quarantine', `0081;${seconds};Ferry;${randomUUID().toUpperCase()}`);
      return true;
    }
    await xattr.setAttribute(filePath, 'user.xdg.origin.url', url);
    if (referrer) await xattr.setAttribute(filePath, 'user.xdg.referrer.url', referrer);
    return true;
  } catch {
    return false;
  }
}
