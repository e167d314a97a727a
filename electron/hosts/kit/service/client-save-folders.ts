// Where callers that Ferry trusts least with paths (browser extensions, AriaNg-style web UIs, aria2
// scripts: anyone holding the RPC secret) may save: the download folder and its subfolders, and
// the folders the user listed in Settings. An allowlist, not a blocklist: a blocklist always forgets
// one (~/.ssh, ~/.config/systemd/user, ~/.config/git, ~/.local/share/applications ...).
//
// Independent of any wire format: a caller-aware service asks `checkClientFolder` and
// `checkClientFileName` whenever its caller is such a client; the window's folder picker and the
// CLI keep their own rules (the engine's startup-folder refusal still applies to everyone).
import path from 'node:path';
import { isWithinFolder, pathsFor, realFolder } from '../../../engine/index';

export class ClientPathRefused extends Error {
  constructor(
    readonly code: 'FORBIDDEN' | 'INVALID_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'ClientPathRefused';
  }
}

export interface SaveFolderSettings {
  downloadDirectory: string;
  rpcSaveFolders: readonly string[];
}

/** The folders (with their subfolders) a client may save into. */
export function clientSaveRoots(settings: SaveFolderSettings): string[] {
  return [settings.downloadDirectory, ...settings.rpcSaveFolders];
}

const MAX_FOLDER_LENGTH = 1024;

/**
 * A UNC or device path in any spelling Windows takes: `\\host\share`, `//host/share`, mixed
 * slashes, `\\?\…`, `\\.\…`. Refused before any file-system call: resolving one makes Windows
 * connect to the host and offer the user's NTLM hash.
 */
export function isUncPath(folder: string): boolean {
  return /^[\\/]{2}/.test(folder);
}


/** Syntax only, no file-system call: absolute, sane length, no NUL, never UNC. */
function syntaxProblem(folder: string, platform: NodeJS.Platform): string | undefined {
  if (folder.trim() === '') return 'the folder is empty';
  if (folder.length > MAX_FOLDER_LENGTH) return `the folder path is longer than ${MAX_FOLDER_LENGTH} characters`;
  if (folder.includes('\0')) return 'the folder path contains a NUL character';
  if (isUncPath(folder)) return 'network (UNC) paths are not accepted from browser and RPC clients';
  // A drive and a separator on Windows ("C:x" is relative to that drive's working folder; a ":" later
  // names an alternate data stream); a leading "/" elsewhere.
  const absolute = platform === 'win32' ? /^[A-Za-z]:[\\/]/.test(folder) && !folder.slice(2).includes(':') : folder.startsWith('/');
  if (!absolute) return 'the folder must be an absolute path';
  return undefined;
}



/**
 * Resolves to the real folder a client's download goes into, or throws ClientPathRefused.
 * `..` segments are collapsed and symlinks followed before comparing, on both sides, so an allowed
 * prefix cannot be escaped (`~/Downloads/../.ssh`, `~/Downloads/link-to-ssh`). Touches nothing on
 * disk but `realpath`, and creates nothing.
 */
export async function checkClientFolder(folder: string, roots: readonly string[], platform: NodeJS.Platform = process.platform): Promise<string> {
  const problem = syntaxProblem(folder, platform);
  const shown = folder.slice(0, 200);
  if (problem) throw new ClientPathRefused('INVALID_INPUT', `Ferry does not save into “${shown}”: ${problem}`);
  const p = pathsFor(platform);
  const normalised = p.resolve(folder);
  // Symlinks can only be followed on this machine's own file system (tests pass another platform).
  const local = platform === process.platform;
  const real = local ? await realFolder(normalised) : normalised;
  // The user's own folders may be anywhere they chose (a mapped or UNC share too).
  const usableRoots = roots.filter((r) => p.isAbsolute(r) && !r.includes('\0')).map((r) => p.resolve(r));
  const realRoots = local ? await Promise.all(usableRoots.map(realFolder)) : usableRoots;
  if (realRoots.some((root) => isWithinFolder(real, root, platform))) return real;
  throw new ClientPathRefused(
    'FORBIDDEN',
    `Ferry does not save into “${shown}” for browser and RPC clients: only into the download folder, its subfolders and the folders listed in Settings › aria2 RPC`,
  );
}

/**
 * A client's name for the saved file (aria2's `out`): one plain name that stays in its folder.
 * Never a path, `.` or `..`, a drive (`C:x`) or an alternate data stream (`x:stream`).
 */
export function checkClientFileName(name: string): string {
  const bad =
    name.trim() === '' || name === '.' || name === '..' || /[/\\\0:]/.test(name) || name.length > 255 || path.basename(name) !== name;
  if (bad) throw new ClientPathRefused('INVALID_INPUT', `“${name.slice(0, 80)}” is not a file name (no folders, “..” or “:”)`);
  return name;
}
