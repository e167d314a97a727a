// Turns what Node, got and the file system throw into TransferFailures people can read, and
// decides which of them the engine may retry.
import { classifyError } from '../error-classifier';
import { TransferFailure } from '../types';
import type { ErrorCode } from '../../../shared/transfer';

export function failure(code: ErrorCode, message: string, retryable: boolean, status?: number): TransferFailure {
  return new TransferFailure({ code, message, retryable, ...(status !== undefined ? { status } : {}) });
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const FILE_SYSTEM_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'EEXIST', 'EMFILE', 'EIO', 'EBUSY']);

/** Errors from opening, writing, syncing or renaming the .part file. */
export function fileSystemFailure(err: unknown, filePath: string): TransferFailure {
  if (err instanceof TransferFailure) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const detail = (err as Error)?.message ?? String(err);
  if (DISK_FULL_CODES.has(code)) {
    return failure('DISK_FULL', `Disk full while writing ${filePath}; free some space and retry (the partial file is kept)`, false);
  }
  return failure('FILE_SYSTEM', `Cannot write ${filePath}: ${detail}`, false);
}

export function isFileSystemError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  return DISK_FULL_CODES.has(code) || FILE_SYSTEM_CODES.has(code);
}

/**
 * A write to an open .part failed in a way another connection would meet too (disk full, no
 * permission, I/O error): a segmented download stops instead of moving the range elsewhere.
 */
export function isPartWriteError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  return /^E(NOSPC|DQUOT|ACCES|PERM|ROFS|IO|BADF)$/.test(code);
}

/** Errors from got / the socket while asking for or reading the body: the shared classifier decides. */
export function networkFailure(err: unknown, stallTimeoutMs: number): TransferFailure {
  return classifyError(err, { stallTimeoutMs });
}

/** The body stopped: no bytes for the stall timeout. What follows (a retry, or giving up) the retry decision says. */
export function stalledFailure(stallTimeoutMs: number): TransferFailure {
  return failure('STALLED', `No data for ${formatSeconds(stallTimeoutMs)}`, true);
}

function formatSeconds(ms: number): string {
  return `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}
