// Ferry's data folder holds URLs (with `user:password@` or signed queries), staged copies of
// the files being uploaded and stored secrets: it is the owner's alone. Every host opens it
// through here: created 0700, and a folder an older Ferry left group/world-readable is
// tightened with everything in it (folders 0700, files 0600), once.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Resolves to true when an existing folder had to be tightened. */
export async function openPrivateDataDir(dataDir: string): Promise<boolean> {
  // Parents created here get 0700 too: the XDG base-directory spec asks that of ~/.local/share.
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return false; // ACLs of the user's profile folder apply there
  const facts = await lstat(dataDir);
  if ((facts.mode & 0o077) === 0) return false;
  await tighten(dataDir, true);
  return true;
}

async function tighten(entry: string, isDir: boolean): Promise<void> {
  await chmod(entry, isDir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
  if (!isDir) return;
  for (const child of await readdir(entry, { withFileTypes: true })) {
    // Symbolic links are not followed: chmod would change whatever they point at.
    if (child.isDirectory()) await tighten(path.join(entry, child.name), true);
    else if (child.isFile()) await tighten(path.join(entry, child.name), false);
  }
}
