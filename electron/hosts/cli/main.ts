// The `ferry` command line: a thin host over the transfer engine. Parses and checks everything
// first (usage errors exit 2 before anything starts), then loads the engine lazily so that
// `ferry --help` stays fast.
import { parseCli, type GetCommand, type PutCommand, type ServeCommand } from './args';
import type { OtherFronts } from './fronts';
import { helpText } from './help';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './outcome';
import { checkUploadSources, ensureDirectory } from './preflight';
import { putTargets } from './put-targets';
import { Reporter, type OutputMode } from './reporter';

export async function main(argv: readonly string[], fronts: OtherFronts): Promise<number> {
  const parsed = parseCli(argv, { cwd: process.cwd(), env: process.env });
  if (!parsed.ok) return usageError(parsed.message, parsed.topic);
  const command = parsed.command;
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${helpText(command.topic)}\n`);
      return EXIT_OK;
    case 'version':
      process.stdout.write(`${await version()}\n`);
      return EXIT_OK;
    case 'get':
      return runGet(command);
    case 'put':
      return runPut(command);
    case 'serve':
      return runServe(command, fronts);
    case 'rpc':
      return (await import('./rpc')).rpc(command, fronts);
  }
}

async function runGet(command: GetCommand): Promise<number> {
  const folder = await ensureDirectory(command.directory, '--dir');
  if (!folder.ok) return usageError(folder.message, 'get');
  if (command.inputFile !== undefined) {
    const { readDownloadList } = await import('./download-list');
    const list = await readDownloadList(command.inputFile, process.cwd(), process.stdin);
    if (!list.ok) return usageError(list.message, 'get');
    if (!command.quiet) for (const note of list.notes) process.stderr.write(`ferry: ${note}\n`);
    if (list.downloads.length === 0 && command.urls.length === 0) {
      // As aria2: an empty list is nothing to do, not a mistake (a script's filter found no links).
      if (!command.quiet) process.stderr.write('ferry: the list names no URL; nothing to download\n');
      return EXIT_OK;
    }
    command = { ...command, list: list.downloads };
  }
  const [{ enqueueDownloads }, { MemorySecretsProvider }] = await Promise.all([import('./run-get'), import('../../engine/index')]);
  // A list's proxy passwords, for this run only: a record names them by reference (list-proxy.ts).
  const secrets = new MemorySecretsProvider();
  const get = command;
  return withEngine(get, [], { downloadLimit: get.limit }, secrets, (session) => enqueueDownloads(get, session, secrets));
}

async function runPut(command: PutCommand): Promise<number> {
  const sources = await checkUploadSources(command.sources);
  if (!sources.ok) return usageError(sources.message, 'put');
  const targets = putTargets(command);
  if (!targets.ok) return usageError(targets.message, 'put');
  const [{ enqueueUploads }, { MemorySecretsProvider }] = await Promise.all([import('./run-put'), import('../../engine/index')]);
  const secrets = new MemorySecretsProvider();
  return withEngine(command, targets.urls, { uploadLimit: command.limit }, secrets, (session) =>
    enqueueUploads(command, targets.urls, secrets, session),
  );
}

async function withEngine(
  command: GetCommand | PutCommand,
  /** put: the URL each source goes to (for handing over to a running Ferry). */
  putUrls: readonly string[],
  limits: { downloadLimit?: number | null; uploadLimit?: number | null },
  secrets: import('../../engine/index').SecretsProvider | null,
  enqueue: (session: import('./session').Session) => Promise<void>,
): Promise<number> {
  // The engine's modules (got and all) take a while to load: start that now, while the lock is taken.
  const loading = Promise.all([import('./open-engine'), import('./session')]);
  loading.catch(() => undefined); // awaited below; a failure must not count as unhandled if the lock fails first
  const [{ lockDataDir }, { openPrivateDataDir }] = await Promise.all([import('../kit/data-dir-lock'), import('../kit/private-data-dir')]);
  await openPrivateDataDir(command.dataDir);
  const lock = await lockDataDir(command.dataDir);
  if (!lock.ok) {
    // Another Ferry owns the data folder: join it over its owner-only local channel, else (get
    // only: uploads carry credentials the RPC must not) over its aria2 RPC when it serves one.
    const { joinOverLocalControl } = await import('./join-local');
    const joinedLocally = await joinOverLocalControl(command, putUrls, { out: process.stdout, err: process.stderr });
    if (joinedLocally !== undefined) return joinedLocally;
    if (command.kind === 'get') {
      const { joinRunningFerry } = await import('./join-running');
      const joined = await joinRunningFerry(command, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
      if (joined !== undefined) return joined;
    }
    process.stderr.write(`ferry: ${lock.message}\n`);
    return EXIT_FAILED;
  }
  // Until the session takes over signals, an interruption simply ends with 130.
  const early = () => process.exit(EXIT_INTERRUPTED);
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  try {
    const [{ openCliEngine }, { runSession }] = await loading;
    const reporter = new Reporter(outputMode(command.quiet), { out: process.stdout, err: process.stderr });
    const engine = await openCliEngine({
      dataDir: command.dataDir,
      limits,
      secrets,
      onNotice: (text) => reporter.info(`ferry: ${text}`),
      proxy: command.proxy,
      env: process.env,
    });
    process.off('SIGINT', early);
    process.off('SIGTERM', early);
    return await runSession(engine, reporter, enqueue);
  } finally {
    process.off('SIGINT', early);
    process.off('SIGTERM', early);
    await lock.release();
  }
}

async function runServe(command: ServeCommand, fronts: OtherFronts): Promise<number> {
  const { serve } = await import('./serve');
  return serve(command, fronts);
}

function outputMode(quiet: boolean): OutputMode {
  if (quiet) return 'quiet';
  return process.stderr.isTTY ? 'live' : 'plain';
}

function usageError(message: string, topic?: 'get' | 'put' | 'serve' | 'rpc'): number {
  const hint = topic ? `ferry ${topic} --help` : 'ferry --help';
  process.stderr.write(`ferry: ${message}\n(see '${hint}')\n`);
  return EXIT_USAGE;
}

/** Read from package.json beside bin/ (this module may run from a bundle elsewhere). */
async function version(): Promise<string> {
  const [{ readFile, realpath }, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const bin = await realpath(process.argv[1] ?? '.');
  const pkg = JSON.parse(await readFile(path.join(path.dirname(bin), '..', 'package.json'), 'utf8')) as { version: string };
  return `ferry ${pkg.version}`;
}

/** Pipes are asynchronous on macOS: let the last lines (paths for scripts) out before exiting. */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/** The `ferry` process: runs the command line in process.argv and exits with its code. */
export function runCli(fronts: OtherFronts): void {
  // `ferry get ... | head -1`: a reader that goes away must not crash the transfers with EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }

  main(process.argv.slice(2), fronts).then(exitAfterOutput, (error: unknown) => {
    process.stderr.write(`ferry: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitAfterOutput(EXIT_FAILED);
  });
}
