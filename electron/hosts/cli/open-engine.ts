// Opens the engine for one CLI command. Transfers that belong to other (earlier, interrupted)
// commands in the same data folder are held paused, so a command runs only what it asked for;
// running that other command again resumes them.
import { createDownloadWorker } from '../../engine/download/download-worker';
import { TransferEngine } from '../../engine/engine';
import type { SecretsProvider } from '../../engine/secrets';
import { createUploadWorker } from '../../engine/upload/upload-worker';

export interface CliEngineOptions {
  dataDir: string;
  limits: { downloadLimit?: number | null; uploadLimit?: number | null };
  secrets: SecretsProvider | null;
  onNotice(text: string): void;
}

export async function openCliEngine(options: CliEngineOptions): Promise<TransferEngine> {
  // Wired here rather than through openEngine() because the CLI needs resumeOnStart: false.
  const engine = await TransferEngine.open({
    dataDir: options.dataDir,
    settings: options.limits,
    resumeOnStart: false,
    workers: {
      download: createDownloadWorker(),
      upload: createUploadWorker({ dataDir: options.dataDir, ...(options.secrets ? { secrets: options.secrets } : {}) }),
    },
  });
  engine.on('notice', (notice) => options.onNotice(notice.message));
  for (const problem of engine.startupProblems) options.onNotice(problem);
  await engine.pauseAll();
  return engine;
}
