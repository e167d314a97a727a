// Path arithmetic that folder rules need on any platform: the engine's folder policy (folders the
// OS runs files from) and the service's allowlist for RPC clients ask the same two questions, so
// they share one answer. Case folds where the platform's usual file system ignores case.
import { realpath } from 'node:fs/promises';
import path from 'node:path';

export function pathsFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Whether `folder` is `root` or inside it; case-insensitive where the platform's usual file system is. */
export function isWithinFolder(folder: string, root: string, platform: NodeJS.Platform): boolean {
  const p = pathsFor(platform);
  const fold = (s: string) => (platform === 'win32' || platform === 'darwin' ? s.toLowerCase() : s);
  const relative = p.relative(fold(root), fold(folder));
  return relative === '' || (!relative.startsWith('..') && !p.isAbsolute(relative));
}

/** The real path of `folder`: symlinks resolved in the longest part that exists, the rest appended. */
export async function realFolder(folder: string): Promise<string> {
  let existing = folder;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await realpath(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return folder;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}
