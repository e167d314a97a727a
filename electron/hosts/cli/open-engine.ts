// Opens the engine for one CLI command. Transfers that belong to other (earlier, interrupted)
// commands in the same data folder are held paused, so a command runs only what it asked for;
// running that other command again resumes them.
import { createDownloadWorker } from '../../engine/download/download-worker';
import { TransferEngine } from '../../engine/engine';
import type { SecretsProvider } from '../../engine/secrets';
import type { TransferWorker } from '../../engine/types';

export interface CliEngineOptions {
  dataDir: string;
  limits: { downloadLimit?: number | null; uploadLimit?: number | null };
  secrets: SecretsProvider | null;
  onNotice(text: string): void;
}

export async function openCliEngine(options: CliEngineOptions): Promise<TransferEngine> {
  const engine = await TransferEngine.open({
    dataDir: options.dataDir,
    settings: options.limits,
    // Interrupted transfers come back paused; the command that owns one resumes it.
    resumeOnStart: false,
    workers: { download: createDownloadWorker(), upload: lazyUploadWorker(options) },
  });
  engine.on('notice', (notice) => options.onNotice(notice.message));
  for (const problem of engine.startupProblems) options.onNotice(problem);
  // Queued transfers of other commands would start right away: hold them.
  await engine.pauseAll();
  return engine;
}

/**
 * The upload worker (tus-js-client, multipart encoder, MIME table) loaded on first use, so
 * `ferry get` in a data folder without uploads never pays for it. The same wiring as
 * openEngine() in electron/engine/index.ts otherwise.
 */
function lazyUploadWorker(options: CliEngineOptions): TransferWorker {
  let loading: Promise<TransferWorker> | undefined;
  const load = () =>
    (loading ??= import('../../engine/upload/upload-worker').then(({ createUploadWorker }) =>
      createUploadWorker({ dataDir: options.dataDir, ...(options.secrets ? { secrets: options.secrets } : {}) }),
    ));
  return {
    prepare: async (record) => (await load()).prepare?.(record) ?? {},
    startup: async (records) => {
      // Cleaning up orphaned staged copies matters only where uploads happen.
      if (records.length > 0 || options.secrets) await (await load()).startup?.(records);
    },
    attempt: async (ctx) => (await load()).attempt(ctx),
    discard: async (record, opts) => (await load()).discard(record, opts),
  };
}
