// An in-process engine with the real download worker for the fault and lie scenarios: short stall
// and retry timings so a scenario that must fail does so in seconds, not minutes.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TransferView } from '../../shared/transfer';
import { createDownloadWorker } from '../../electron/engine/download/download-worker';
import { TransferEngine } from '../../electron/engine/engine';

export interface DownloadOutcome {
  view: TransferView;
  /** Files left in the download folder. */
  files: string[];
  ms: number;
}

/**
 * Ranges of 128 KiB are worth a connection here (1 MiB by default), so that a 4 MiB file really
 * splits across 16 connections.
 */
const MIN_SPLIT = 128 * 1024;

export async function downloadOnce(work: string, url: string, timeoutMs = 60_000, connections = 1): Promise<DownloadOutcome> {
  const dir = path.join(work, `out-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(dir, { recursive: true });
  const engine = await TransferEngine.open({
    dataDir: path.join(dir, '.data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 200, minSplitBytes: MIN_SPLIT }) },
    settings: { stallTimeoutMs: 1500, retryBaseMs: 250, retryMaxMs: 1000, maxRetries: 8 },
  });
  const started = Date.now();
  try {
    const added = await engine.addDownload({ url, directory: dir, connections });
    let timer: NodeJS.Timeout | undefined;
    // A transfer still unfinished at the deadline is reported as it stands (the row then fails).
    await Promise.race([engine.waitUntilFinished([added.id]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    const files = (await readdir(dir)).filter((f) => f !== '.data');
    return { view: engine.get(added.id)!, files: files.map((f) => path.join(dir, f)), ms: Date.now() - started };
  } finally {
    await engine.close();
  }
}

/**
 * Bytes the outcome got wrong against the true body: all of a completed file that differs, or the
 * wrong ones among the bytes a failed/unfinished download kept in its .part (a failure that kept
 * only true bytes lost nothing).
 */
export async function wrongBytes(outcome: DownloadOutcome, body: Buffer): Promise<number> {
  const { view } = outcome;
  const file = view.state === 'completed' ? view.download?.filePath : outcome.files.find((f) => f.endsWith('.part'));
  if (!file) return view.state === 'completed' ? body.length : 0;
  const bytes = await readFile(file);
  if (view.state === 'completed' && bytes.length !== body.length) return Math.max(bytes.length, body.length);
  let wrong = Math.max(0, bytes.length - body.length);
  for (let i = 0; i < Math.min(bytes.length, body.length); i++) if (bytes[i] !== body[i]) wrong++;
  return wrong;
}
