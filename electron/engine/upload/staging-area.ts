// The staged copy: uploads read only a copy inside Ferry's data folder, never the user's file.
// The source is checked, then only ever opened read-only: by the clone attempt and, where the
// file system cannot clone, by the copy (staging-thread.ts). It is never written, moved, renamed,
// truncated or deleted. The copy is removed only after the server confirmed
// success, on cancel/remove, or at startup when no record owns it.
import { formatBytes } from '../../../shared/format-size';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, copyFile, mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { StagedCopyFacts, TransferError } from '../../../shared/transfer';
import { TransferFailure } from '../types';

/** Room left over after the copy, so staging never fills the disk to the last byte. */
export const STAGING_MARGIN_BYTES = 64 * 1024 * 1024;

export function stagingRoot(dataDir: string): string {
  return path.join(dataDir, 'staging-area');
}

export function stagingDir(dataDir: string, transferId: string): string {
  // Ids come from the engine, but they end up in a path: refuse anything that could leave the folder.
  if (!/^[A-Za-z0-9_.-]+$/.test(transferId) || transferId === '.' || transferId === '..') {
    throw new TransferFailure({ code: 'INTERNAL', message: `Transfer id "${transferId}" cannot name a folder`, retryable: false });
  }
  return path.join(stagingRoot(dataDir), transferId);
}

/** The staged file keeps the source's name so servers that read it from the path see the same name. */
export function stagedFileName(sourcePath: string): string {
  const base = path.basename(sourcePath);
  return base === '' || base === '.' || base === '..' ? 'upload.bin' : base;
}

export interface SourceFacts {
  size: number;
  mtimeMs: number;
  ino: number;
}

function sourceFailure(message: string): TransferFailure {
  return new TransferFailure({ code: 'SOURCE_UNREADABLE', message, retryable: false });
}

/** Exists, is a regular file, and we may read it: otherwise a readable SOURCE_UNREADABLE. */
export async function checkSource(sourcePath: string): Promise<SourceFacts> {
  let facts;
  try {
    facts = await stat(sourcePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw sourceFailure(`File not found: ${sourcePath}`);
    if (code === 'EACCES' || code === 'EPERM') throw sourceFailure(`No permission to read ${sourcePath}`);
    throw sourceFailure(`Cannot read ${sourcePath}: ${(err as Error).message}`);
  }
  if (facts.isDirectory()) throw sourceFailure(`${sourcePath} is a folder, not a file`);
  if (!facts.isFile()) throw sourceFailure(`${sourcePath} is not a regular file`);
  try {
    await access(sourcePath, fsConstants.R_OK);
  } catch {
    throw sourceFailure(`No permission to read ${sourcePath}`);
  }
  return { size: facts.size, mtimeMs: facts.mtimeMs, ino: facts.ino };
}

/** Pure decision, so it can be tested without filling a disk. */
export function stagingSpaceError(
  freeBytes: number,
  fileSize: number,
  marginBytes = STAGING_MARGIN_BYTES,
  folder = 'the data folder',
): TransferError | undefined {
  const needed = fileSize + marginBytes;
  if (freeBytes >= needed) return undefined;
  return {
    code: 'NO_SPACE_FOR_STAGING',
    message: `Not enough free space to stage the upload (disk full): needs ${formatBytes(needed)}, ${formatBytes(freeBytes)} free in ${folder}`,
    retryable: false,
  };
}

export async function freeBytesAt(dir: string): Promise<number> {
  const fsStats = await statfs(dir);
  return Number(fsStats.bavail) * Number(fsStats.bsize);
}

export interface StageOptions {
  dataDir: string;
  transferId: string;
  sourcePath: string;
  /** For tests: pretend this much space is free. */
  freeBytes?: (dir: string) => Promise<number>;
}

export interface Staging {
  staged: StagedCopyFacts;
  /** false: the file system cloned it (complete already); true: the copy is still to be made. */
  needsCopy: boolean;
}

/**
 * Prepare <dataDir>/staging/<id>/<name>: a reflink where the file system can (instant), else the
 * caller runs the copy in the background (staging-job.ts) and the upload sends what it has
 * copied so far. Refuses before copying when the source is unusable or space is short. `sha256`
 * is left empty: it is computed off the main thread, in the same pass as the copy.
 */
export async function startStaging({ dataDir, transferId, sourcePath, freeBytes = freeBytesAt }: StageOptions): Promise<Staging> {
  const before = await checkSource(sourcePath);
  const dir = stagingDir(dataDir, transferId);
  // A canceled transfer being retried stages afresh: drop whatever an earlier run left.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const spaceError = stagingSpaceError(await freeBytes(dir), before.size, STAGING_MARGIN_BYTES, dataDir);
  if (spaceError) {
    await rm(dir, { recursive: true, force: true });
    throw new TransferFailure(spaceError);
  }
  const stagedPath = path.join(dir, stagedFileName(sourcePath));
  const facts = { path: stagedPath, size: before.size, sourceMtimeMs: before.mtimeMs, sha256: '' };
  if (await tryClone(sourcePath, stagedPath)) {
    const cloned = await stat(stagedPath);
    return { staged: { ...facts, size: cloned.size, cloned: true }, needsCopy: false };
  }
  return { staged: { ...facts, cloned: false }, needsCopy: true };
}

/**
 * A reflink (instant; no space used until either side changes) where the file system supports
 * it. File systems refuse with many different codes (ENOTSUP, EXDEV, EINVAL, ENOTTY, even EPERM
 * on some FUSE mounts): any refusal means "copy instead", and the copy reports real problems.
 */
async function tryClone(sourcePath: string, stagedPath: string): Promise<boolean> {
  try {
    await copyFile(sourcePath, stagedPath, fsConstants.COPYFILE_FICLONE_FORCE);
    await chmod(stagedPath, 0o600); // a clone takes the source's mode; the data folder's files are private
    return true;
  } catch {
    await rm(stagedPath, { force: true });
    return false;
  }
}
export async function removeStagedCopy(dataDir: string, transferId: string): Promise<void> {
  await rm(stagingDir(dataDir, transferId), { recursive: true, force: true });
}

/** Startup: remove staging folders that no record owns (crash between success and cleanup, removed records). */
export async function removeOrphanedStaging(dataDir: string, ownedIds: ReadonlySet<string>): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(stagingRoot(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (ownedIds.has(entry)) continue;
    await rm(path.join(stagingRoot(dataDir), entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}
