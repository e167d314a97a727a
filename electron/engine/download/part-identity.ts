// Which file a .part name stands for. Whoever can write to the download folder can replace the
// .part while a download is paused (or Ferry is closed): with a symbolic link to another file
// (which resuming would overwrite with server bytes, and the final rename would turn into a
// "finished download" that is a link), a hard link to another file, or any other file. Ferry
// continues only the file it created itself: the same device, inode and birth time as recorded,
// opened without following a link. The birth time is there because file systems hand a freed
// inode number straight to the next new file (ext4 does): unlink the .part, write a file of your
// own, and it has the old inode. Anything else is left alone, untouched, and the download starts
// over under a fresh .part. Kept apart because this is a rule about trust, not about bytes.
import { constants, type Stats } from 'node:fs';
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';

/** The .part as the resume data records it: inode, and device and birth time where recorded (older records lack them). */
export interface PartIdentity {
  ino: number;
  dev?: number;
  /** 0 where the file system keeps no birth time (then only inode and device say it). */
  birthtimeMs?: number;
}

/** Windows has no O_NOFOLLOW (Node leaves it undefined there); its links need privileges to make. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export function identityOf(stats: Pick<Stats, 'ino' | 'dev' | 'birthtimeMs'>): PartIdentity {
  return { ino: stats.ino, dev: stats.dev, birthtimeMs: stats.birthtimeMs };
}

/** Why `stats` is not the recorded .part, or undefined when it is (a regular file, same inode and device). */
export function foreignReason(stats: Stats, recorded: PartIdentity | undefined): string | undefined {
  if (stats.isSymbolicLink()) return 'is now a symbolic link';
  if (!stats.isFile()) return 'is no longer a regular file';
  if (!recorded) return undefined;
  const sameDevice = recorded.dev === undefined || stats.dev === recorded.dev;
  const sameBirth = !recorded.birthtimeMs || stats.birthtimeMs === recorded.birthtimeMs;
  if (stats.ino !== recorded.ino || !sameDevice || !sameBirth) return 'is now a different file than the one Ferry wrote';
  return undefined;
}

export type OwnPart = { handle: FileHandle; identity: PartIdentity } | { foreign: string };

/**
 * Opens the .part for reading and writing only if it is still the file Ferry created. A symbolic
 * link is refused by the open itself (O_NOFOLLOW), so not even a byte is read through it; the
 * identity is checked on the open descriptor, so a swap after the check changes nothing that is
 * written. Missing file: the open's ENOENT is thrown as it is.
 */
export async function openOwnPart(partPath: string, recorded: PartIdentity | undefined): Promise<OwnPart> {
  let handle: FileHandle;
  try {
    handle = await open(partPath, constants.O_RDWR | NO_FOLLOW);
  } catch (err) {
    // Linux and macOS answer ELOOP for a link under O_NOFOLLOW, FreeBSD EMLINK.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return { foreign: 'is now a symbolic link' };
    if (code === 'EISDIR' || code === 'ENXIO') return { foreign: 'is no longer a regular file' };
    throw err;
  }
  try {
    const stats = await handle.stat();
    const foreign = foreignReason(stats, recorded);
    if (foreign) {
      await handle.close();
      return { foreign };
    }
    return { handle, identity: identityOf(stats) };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/** Why the name `partPath` no longer stands for `identity` (without following a link), or undefined. */
export async function partNameForeign(partPath: string, identity: PartIdentity): Promise<string | undefined> {
  try {
    return foreignReason(await lstat(partPath), identity);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'is gone';
    throw err;
  }
}

/**
 * Removes the .part only if the name still stands for Ferry's file (or, with nothing recorded,
 * for a regular file): a link or a file someone put there instead is not Ferry's to delete.
 */
export async function removeOwnPart(partPath: string | undefined, identity: PartIdentity | undefined): Promise<void> {
  if (!partPath) return;
  try {
    if (foreignReason(await lstat(partPath), identity) !== undefined) return;
    await unlink(partPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Thrown when the .part's name was pointed elsewhere during the download itself. */
export class PartReplaced extends Error {
  constructor(
    readonly partPath: string,
    readonly reason: string,
  ) {
    super(`The partial file ${partPath} ${reason}`);
    this.name = 'PartReplaced';
  }
}
