// Shared setup for the download tests that drive the real engine and download worker: a fresh
// folder per test (the engine's data and the downloads), an engine over it, and both gone after
// the test. A test that restarts the engine, or wants other options, opens it again.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { TransferView } from '../shared/transfer';
import { createDownloadWorker, type DownloadWorkerOptions } from '../electron/engine/download/download-worker';
import { TransferEngine, type EngineSettings } from '../electron/engine/engine';
import type { DownloadRequest } from '../electron/engine/types';
import { makeTempDir, removeDir } from './files';

export interface EngineOptions {
  worker?: DownloadWorkerOptions;
  settings?: Partial<EngineSettings>;
}

export interface DownloadFixture {
  /** The test's folder; the engine keeps its records in `data/` below it. */
  readonly tmp: string;
  /** The download folder (`downloads/` in `tmp`). */
  readonly dir: string;
  /** The engine open now. */
  readonly engine: TransferEngine;
  /** Closes the engine (if it still runs) and opens one over the same data: a restart. Options add to the file's. */
  open(options?: EngineOptions): Promise<TransferEngine>;
  /** Adds a download into `dir` and waits until it ends. */
  download(req: Partial<DownloadRequest> & { url: string }): Promise<TransferView>;
}

/** Registers beforeEach/afterEach and returns the fixture they fill in. Call at module level. */
export function useDownloadFixture(prefix: string, defaults: EngineOptions): DownloadFixture {
  let tmp = '';
  let engine: TransferEngine | undefined;
  const open = async (options: EngineOptions = {}): Promise<TransferEngine> => {
    await engine?.close();
    engine = await TransferEngine.open({
      dataDir: path.join(tmp, 'data'),
      workers: { download: createDownloadWorker({ ...defaults.worker, ...options.worker }) },
      settings: { ...defaults.settings, ...options.settings },
    });
    return engine;
  };
  const fx: DownloadFixture = {
    get tmp() {
      return tmp;
    },
    get dir() {
      return path.join(tmp, 'downloads');
    },
    get engine() {
      if (!engine) throw new Error('no engine open: the fixture opens one before each test');
      return engine;
    },
    open,
    async download(req) {
      const view = await fx.engine.addDownload({ directory: fx.dir, ...req });
      const [done] = await fx.engine.waitUntilFinished([view.id]);
      return done!;
    },
  };
  beforeEach(async () => {
    tmp = await makeTempDir(prefix);
    await mkdir(fx.dir);
    await open();
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await removeDir(tmp);
  });
  return fx;
}
