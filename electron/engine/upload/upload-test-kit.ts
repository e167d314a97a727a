// Shared setup for the upload tests: a data folder, an engine with the real upload worker, and
// helpers to look at a file's identity (bytes, size, mtime, inode).
import { stat } from 'node:fs/promises';
import { sha256File } from '../../../test-support/files';
import { TransferEngine, type EngineSettings } from '../engine';
import { TransferFailure, type TransferWorker } from '../types';
import { createUploadWorker, type UploadWorkerOptions } from './upload-worker';

/** Uploads-only tests never start a download. */
export const noDownloads: TransferWorker = {
  async attempt() {
    throw new TransferFailure({ code: 'INTERNAL', message: 'no downloads in upload tests', retryable: false });
  },
  async discard() {},
};

export async function openUploadEngine(
  dataDir: string,
  settings: Partial<EngineSettings> = {},
  worker: Partial<UploadWorkerOptions> = {},
): Promise<TransferEngine> {
  return TransferEngine.open({
    dataDir,
    settings: { retryBaseMs: 10, retryMaxMs: 50, ...settings },
    workers: { download: noDownloads, upload: createUploadWorker({ dataDir, tusChunkSize: 1024 * 1024, ...worker }) },
  });
}

export interface FileIdentity {
  sha256: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export async function fileIdentity(filePath: string): Promise<FileIdentity> {
  const s = await stat(filePath);
  return { sha256: await sha256File(filePath), size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Resolves once `predicate` holds (polled), or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
