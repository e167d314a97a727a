// The `ferry` command line: a front of Ferry's one service. Parses and checks everything first
// (usage errors exit 2 before anything starts), then loads Ferry lazily so that `ferry --help`
// stays fast.
import { parseCli, type GetCommand, type HelpTopic, type PutCommand, type ServeCommand } from './args';
import type { OtherFronts } from './fronts';
import { helpText } from './help';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './outcome';
import { checkUploadSources, ensureDirectory } from './preflight';
import { putTargets } from './put-targets';

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
    case 'rules':
      return (await import('./rules')).rules(command, process.stdout, process.stderr);
  }
}

async function runGet(command: GetCommand): Promise<number> {
  if (command.directory !== undefined) {
    const folder = await ensureDirectory(command.directory, '--dir');
    if (!folder.ok) return usageError(folder.message, 'get');
  }
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
  return runTransfers(command, []);
}

async function runPut(command: PutCommand): Promise<number> {
  const sources = await checkUploadSources(command.sources);
  if (!sources.ok) return usageError(sources.message, 'put');
  const targets = putTargets(command);
  if (!targets.ok) return usageError(targets.message, 'put');
  return runTransfers(command, targets.urls);
}

/**
 * One road for get and put: when another Ferry owns the data folder, hand the transfers to it over
 * its local channel; else open Ferry in this process and hand them to that. Either way the same
 * code (hand-over.ts) hands over and follows.
 */
async function runTransfers(
  command: GetCommand | PutCommand,
  /** put: the URL each source goes to. */
  putUrls: readonly string[],
): Promise<number> {
  // Ferry's modules (the engine, got and all) take a while to load: start that now, while the lock is taken.
  const loading = import('./run-alone');
  loading.catch(() => undefined); // awaited below; a failure must not count as unhandled if the lock fails first
  const [{ lockDataDir }, { openPrivateDataDir }] = await Promise.all([import('../kit/data-dir/data-dir-lock'), import('../kit/data-dir/private-data-dir')]);
  await openPrivateDataDir(command.dataDir);
  // The role tells a host that starts meanwhile (desktop app, serve, rpc) to wait for this run.
  const lock = await lockDataDir(command.dataDir, command.kind);
  const output = { out: process.stdout, err: process.stderr };
  if (!lock.ok) {
    const { joinOverLocalControl } = await import('./join-local');
    const joined = await joinOverLocalControl(command, putUrls, output);
    if (joined !== undefined) return joined;
    process.stderr.write(`ferry: ${lock.message}\n`);
    return EXIT_FAILED;
  }
  // Until the run takes over signals, an interruption simply ends with 130.
  const early = () => process.exit(EXIT_INTERRUPTED);
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  const started = () => {
    process.off('SIGINT', early);
    process.off('SIGTERM', early);
  };
  try {
    const { runAlone } = await loading;
    return await runAlone(command, putUrls, lock, output, started);
  } finally {
    started();
    await lock.release();
  }
}

async function runServe(command: ServeCommand, fronts: OtherFronts): Promise<number> {
  const { serve } = await import('./serve');
  return serve(command, fronts);
}

function usageError(message: string, topic?: HelpTopic): number {
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
