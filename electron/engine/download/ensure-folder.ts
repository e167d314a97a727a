// The download folder is created when missing, as browsers do: a fresh account, a server or a
// container often has no ~/Downloads, and a folder typed in the add dialog may not exist yet.
// mkdir without a mode gives the user's default (0777 minus umask). Only when the folder cannot
// be created does the download fail, with words saying why instead of a bare errno.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { failure } from './failures';
import type { TransferFailure } from '../types';

export async function ensureDownloadFolder(directory: string): Promise<void> {
  try {
    // Recursive mkdir also succeeds on an existing folder and fails (EEXIST) on an existing file.
    await mkdir(directory, { recursive: true });
  } catch (err) {
    throw await folderFailure(directory, await realCause(directory, err));
  }
}

/**
 * Node's recursive mkdir reports some refusals as ENOENT (a read-only file system, for one):
 * creating the missing levels one at a time gives the error that really stopped it.
 */
async function realCause(directory: string, err: unknown): Promise<unknown> {
  if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') return err;
  for (const p of pathChain(directory)) {
    try {
      await mkdir(p);
    } catch (levelErr) {
      if ((levelErr as NodeJS.ErrnoException).code !== 'EEXIST') return levelErr;
    }
  }
  return err;
}

async function folderFailure(directory: string, err: unknown): Promise<TransferFailure> {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  let why: string;
  if (code === 'EEXIST' || code === 'ENOTDIR') why = `${await firstFileOnPath(directory)} is a file, not a folder`;
  else if (code === 'EACCES' || code === 'EPERM') why = 'permission denied';
  else if (code === 'EROFS') why = 'the file system is read-only';
  else if (code === 'ENOSPC' || code === 'EDQUOT') why = 'the disk is full';
  else why = (err as Error)?.message ?? String(err);
  return failure('FILE_SYSTEM', `Cannot create the download folder ${directory}: ${why}`, false);
}

/** The path nearest the root on the way to `directory` that exists and is not a folder. */
async function firstFileOnPath(directory: string): Promise<string> {
  for (const p of pathChain(directory)) {
    const info = await stat(p).catch(() => undefined);
    if (info && !info.isDirectory()) return p;
  }
  return directory;
}

/** `directory` and its ancestors, root first. */
function pathChain(directory: string): string[] {
  const chain: string[] = [];
  for (let p = path.resolve(directory); ; p = path.dirname(p)) {
    chain.unshift(p);
    if (path.dirname(p) === p) return chain;
  }
}
