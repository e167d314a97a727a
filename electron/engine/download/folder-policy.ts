// Which folders a download may be saved into. A download manager writes files named by remote
// servers and by whoever talks to it, so a folder whose files the OS runs at the next login
// (autostart, Startup, LaunchAgents) must never be one, however it is spelt: through `..`
// segments, a symlink, a different case on case-insensitive systems. Relative folders are refused
// too: what they mean depends on a working directory the caller cannot see.
import os from 'node:os';
import { isWithinFolder, pathsFor, realFolder } from './folder-paths';

/** Long enough for any real folder, short enough that a name still fits under PATH_MAX/MAX_PATH limits. */
export const MAX_FOLDER_LENGTH = 1024;

export class DownloadFolderRefused extends Error {
  constructor(
    readonly code: 'INVALID_INPUT' | 'FORBIDDEN',
    message: string,
  ) {
    super(message);
    this.name = 'DownloadFolderRefused';
  }
}

export interface FolderEnvironment {
  platform: NodeJS.Platform;
  home: string;
  env: Record<string, string | undefined>;
}

function currentEnvironment(): FolderEnvironment {
  return { platform: process.platform, home: os.homedir(), env: process.env };
}


/** Folders whose contents the OS starts at login or boot, for every platform Ferry runs on. */
export function startupFolders({ platform, home, env }: FolderEnvironment): string[] {
  const p = pathsFor(platform);
  if (platform === 'win32') {
    const appData = env.APPDATA ?? p.join(home, 'AppData', 'Roaming');
    const programData = env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData';
    const startMenu = ['Microsoft', 'Windows', 'Start Menu', 'Programs', 'Startup'];
    return [p.join(appData, ...startMenu), p.join(programData, ...startMenu)];
  }
  const folders = [
    // freedesktop autostart: $XDG_CONFIG_HOME (default ~/.config) and every $XDG_CONFIG_DIRS entry (default /etc/xdg).
    p.join(home, '.config', 'autostart'),
    '/etc/xdg/autostart',
    // macOS launchd: a plist dropped here runs at login (agents) or boot (daemons).
    p.join(home, 'Library', 'LaunchAgents'),
    '/Library/LaunchAgents',
    '/Library/LaunchDaemons',
    '/System/Library/LaunchAgents',
    '/System/Library/LaunchDaemons',
  ];
  const configHome = env.XDG_CONFIG_HOME;
  if (configHome && p.isAbsolute(configHome)) folders.push(p.join(configHome, 'autostart'));
  for (const dir of (env.XDG_CONFIG_DIRS ?? '').split(':')) if (p.isAbsolute(dir)) folders.push(p.join(dir, 'autostart'));
  return folders;
}



// Resolving a dozen startup folders costs ~0.2 ms; adding 10,000 downloads must not pay it each
// time. The candidate's own real path is always fresh, so a new symlink pointing into a startup
// folder is caught at once; only a startup folder itself moved behind a new symlink (~/.config
// re-linked to a dotfiles folder) is seen up to 5 s late.
const REAL_ROOTS_TTL_MS = 5000;
let realRootsCache: { key: string; at: number; value: Promise<string[]> } | undefined;

function realStartupFolders(roots: string[]): Promise<string[]> {
  const key = roots.join('\0');
  const now = Date.now();
  if (!realRootsCache || realRootsCache.key !== key || now - realRootsCache.at > REAL_ROOTS_TTL_MS) {
    realRootsCache = { key, at: now, value: Promise.all(roots.map(realFolder)) };
  }
  return realRootsCache.value;
}

/** The syntactic rules, without touching the disk: absolute, of sane length, no NUL. */
export function folderSyntaxProblem(folder: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (folder.length === 0) return 'The download folder is empty';
  if (folder.length > MAX_FOLDER_LENGTH) return `The download folder path is longer than ${MAX_FOLDER_LENGTH} characters`;
  if (folder.includes('\0')) return 'The download folder path contains a NUL character';
  const p = pathsFor(platform);
  // Windows' isAbsolute also takes "\\folder" (the current drive's root): demand a drive or a UNC share.
  const absolute = platform === 'win32' ? /^(?:[A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/.test(folder) : p.isAbsolute(folder);
  if (!absolute) return `The download folder must be an absolute path, not “${folder.slice(0, 200)}”`;
  return undefined;
}

/**
 * Checks a download folder and resolves to its normalised form (`..` segments collapsed);
 * throws DownloadFolderRefused with a readable message otherwise.
 */
export async function checkDownloadFolder(folder: string, environment: FolderEnvironment = currentEnvironment()): Promise<string> {
  const { platform } = environment;
  const syntax = folderSyntaxProblem(folder, platform);
  if (syntax) throw new DownloadFolderRefused('INVALID_INPUT', syntax);
  const p = pathsFor(platform);
  const normalised = p.resolve(folder);
  // Symlinks can only be followed on this machine's own file system.
  const candidates = platform === process.platform ? [normalised, await realFolder(normalised)] : [normalised];
  const roots = startupFolders(environment);
  const realRoots = platform === process.platform ? await realStartupFolders(roots) : [];
  for (const candidate of candidates) {
    const root = [...roots, ...realRoots].find((r) => isWithinFolder(candidate, r, platform));
    if (root) {
      throw new DownloadFolderRefused(
        'FORBIDDEN',
        `Ferry does not save downloads into ${folder.slice(0, 200)}: files there are started by the system at login`,
      );
    }
  }
  return normalised;
}
