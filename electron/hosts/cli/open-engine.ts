// Opens the engine for one CLI command. Transfers that belong to other (earlier, interrupted)
// commands in the same data folder are held paused, so a command runs only what it asked for;
// running that other command again resumes them. The data folder's secret store is opened too:
// downloads added by a Ferry that ran on this folder keep their header values there.
import { openEngine, systemProxyFromEnvironment, type ProxyRules, type SecretsProvider, type TransferEngine } from '../../engine/index';
import { createFileSecretStore } from '../kit/service/secret-store';

export interface CliEngineOptions {
  dataDir: string;
  limits: { downloadLimit?: number | null; uploadLimit?: number | null };
  secrets: SecretsProvider | null;
  onNotice(text: string): void;
  /** The command's proxy options, over http_proxy & co. of `env` (curl's reading). */
  proxy: ProxyRules;
  env: Readonly<Record<string, string | undefined>>;
}

export async function openCliEngine(options: CliEngineOptions): Promise<TransferEngine> {
  const downloadSecrets = createFileSecretStore({ dir: options.dataDir });
  for (const problem of downloadSecrets.problems) options.onNotice(problem);
  const systemProxy = systemProxyFromEnvironment(options.env, options.proxy);
  const engine = await openEngine({
    dataDir: options.dataDir,
    downloadSecrets,
    ...(systemProxy ? { systemProxy } : {}),
    settings: options.limits,
    // Interrupted transfers come back paused; the command that owns one resumes it.
    resumeOnStart: false,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  engine.on('notice', (notice) => options.onNotice(notice.message));
  for (const problem of engine.startupProblems) options.onNotice(problem);
  // Queued transfers of other commands would start right away: hold them.
  await engine.pauseAll();
  return engine;
}
