// Shared setup for the upload tests: a data folder, an engine with the real upload worker, and
// helpers to look at a file's identity (bytes, size, mtime, inode).
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256File } from './files';
import { TransferEngine, type EngineSettings } from '../electron/engine/engine';
import { TransferFailure, type TransferWorker } from '../electron/engine/types';
import { createUploadWorker, type UploadWorkerOptions } from '../electron/engine/upload/upload-worker';

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

/** Per-test folders, the engine under test and the servers to stop, shared by every upload test file. */
export interface UploadFixture {
  /** Folder for the test's source files (the user's files). */
  dir: string;
  /** Ferry's data folder (records, staging). */
  dataDir: string;
  /** The engine a test opened; closed after each test. */
  engine: TransferEngine | undefined;
  /** Run after each test, e.g. to stop servers. */
  closers: (() => Promise<void>)[];
  /** A random source file of `size` bytes in `dir`. */
  sourceFile(name: string, size: number, seed?: number): Promise<{ file: string; bytes: Buffer }>;
}

/** Registers beforeEach/afterEach hooks and returns the fixture they fill in. Call at module level. */
export function useUploadFixture(): UploadFixture {
  const fx: UploadFixture = {
    dir: '',
    dataDir: '',
    engine: undefined,
    closers: [],
    async sourceFile(name, size, seed = 1) {
      const bytes = randomBytes(size, seed);
      const file = path.join(fx.dir, name);
      await writeFile(file, bytes);
      return { file, bytes };
    },
  };
  beforeEach(async () => {
    fx.dir = await makeTempDir('ferry-up-src-');
    fx.dataDir = await makeTempDir('ferry-up-data-');
  });
  afterEach(async () => {
    await fx.engine?.close();
    fx.engine = undefined;
    for (const close of fx.closers.splice(0)) await close();
    await removeDir(fx.dir);
    await removeDir(fx.dataDir);
  });
  return fx;
}
