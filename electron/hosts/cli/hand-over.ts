// `ferry get` / `ferry put`, one road whoever runs the transfers: hand them to a Ferry as the owner
// (one contract call per URL or file) and follow them with the usual output and exit status.
// That Ferry is either one already running on the data folder (joined over its local socket:
// --detach returns once it accepted them, Ctrl-C stops following only) or one this command opened
// in-process (alone: a rerun continues what an earlier run left unfinished, Ctrl-C checkpoints).
import path from 'node:path';
import { maskUrlPasswords } from '../../../shared/secret-mask';
import type { TransferView } from '../../../shared/transfer';
import type { ControlClient } from '../kit/local-control/client';
import type { GetCommand, PutCommand } from './args';
import { followTransfers } from './follow';
import { downloadsOf, labelOf, type GetDownload } from './get-downloads';
import { watchInterrupts, type InterruptWatch } from './interrupt-watch';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './outcome';
import { handedOverProxy } from './proxy-options';
import { Reporter, type OutputMode } from './reporter';

export interface Output {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The Ferry this command opened itself: its transfers are this command's, its end is this command's too. */
export interface AloneRun {
  /** Checkpoints every running transfer and closes Ferry (Ctrl-C, or the end). */
  close(): Promise<void>;
  /** Ctrl-C: these transfers are saved paused (saying why), so only a rerun of the command continues them. */
  pauseInterrupted(ids: readonly string[]): Promise<void>;
}

export async function handOverAndFollow(
  client: ControlClient,
  command: GetCommand | PutCommand,
  putUrls: readonly string[],
  output: Output,
  alone?: AloneRun,
): Promise<number> {
  const detach = !alone && command.detach === true;
  const mode: OutputMode = command.quiet ? 'quiet' : detach || !output.err.isTTY ? 'plain' : 'live';
  const reporter = new Reporter(mode, { out: output.out, err: output.err });
  // Patches may overtake a call's reply: the newest view of every transfer is kept from the start.
  const latest = new Map<string, TransferView>();
  const removed = new Set<string>();
  let onUpdate = () => undefined as void;
  client.on('patches', (patches) => {
    for (const patch of patches) {
      if ('view' in patch) {
        latest.set(patch.id, patch.view);
        reporter.changed(patch.view);
      } else if ('progress' in patch) {
        reporter.progress(patch.id, patch.progress);
      } else {
        removed.add(patch.id);
      }
    }
    onUpdate();
  });
  // Alone, Ferry's notices are this command's to show (a running Ferry shows its own).
  if (alone) client.on('notice', (notice) => reporter.info(`ferry: ${notice.message}`));
  const interrupts = watchInterrupts();
  try {
    const { accepted, continued, refused } = await handOver(client, command, putUrls, reporter, interrupts, alone !== undefined);
    if (interrupts.happened) {
      if (alone) return await checkpoint(alone, reporter, accepted);
      reporter.error(`ferry: interrupted; ${accepted.length} transfer(s) handed over go on in the running Ferry`);
      return EXIT_INTERRUPTED;
    }
    if (accepted.length === 0) return EXIT_FAILED;
    if (detach) {
      for (const view of accepted) output.out.write(command.quiet ? `${view.id}\n` : `handed over ${view.name} (id ${view.id})\n`);
      return refused > 0 ? EXIT_FAILED : EXIT_OK;
    }
    if (!alone) {
      const doing = command.kind === 'get' ? 'downloads' : 'uploads';
      reporter.info(`ferry: the running Ferry owns ${command.dataDir}; it ${doing}, this command follows (Ctrl-C stops following only)`);
    }
    for (const view of accepted) reporter.track(latest.get(view.id) ?? view, continued.has(view.id) ? continuingNote(view, continued.get(view.id)!) : undefined);
    const onInterrupt = alone
      ? () => checkpoint(alone, reporter, accepted)
      : (open: number) => {
          reporter.error(`ferry: stopped following; ${open} transfer(s) go on in the running Ferry`);
          return Promise.resolve(EXIT_INTERRUPTED);
        };
    const ended = await followTransfers({ client, accepted, latest, removed, reporter, interrupts, onInterrupt, setOnUpdate: (listener) => (onUpdate = listener) });
    reporter.stop();
    if (ended !== 'finished') return ended;
    const views = accepted.map((view) => latest.get(view.id) ?? view);
    const allCompleted = views.every((view) => view.state === 'completed' && !removed.has(view.id));
    return refused > 0 || !allCompleted ? EXIT_FAILED : EXIT_OK;
  } finally {
    interrupts.dispose();
    reporter.stop();
    client.close();
  }
}

/**
 * Alone, Ctrl-C (or SIGTERM) pauses the command's transfers and closes Ferry, which checkpoints
 * them: they stay paused (the desktop app, `ferry serve` or `ferry rpc` opening the data folder
 * later leave them so) until the same command runs again and continues them.
 */
async function checkpoint(alone: AloneRun, reporter: Reporter, accepted: readonly TransferView[]): Promise<number> {
  reporter.stop();
  reporter.info('ferry: interrupted; saving progress, paused (run the same command again to continue)');
  try {
    await alone.pauseInterrupted(accepted.map((view) => view.id));
    await alone.close();
  } catch (error) {
    reporter.error(`ferry: could not save all progress: ${(error as Error).message}`);
  }
  return EXIT_INTERRUPTED;
}

/** What the user is told of an earlier run's transfer that this one continues. */
function continuingNote(view: TransferView, how: { newAddress: boolean }): string {
  const note = continuingWords(view);
  return how.newAddress ? `${note} from the new address (its bytes are kept if it serves the same file)` : note;
}

function continuingWords(view: TransferView): string {
  if (view.kind === 'upload') return "continuing an earlier tus upload from the server's offset";
  const done = view.progress.bytesDone;
  return done > 0 ? `continuing an earlier download (${done} bytes already there)` : 'continuing an earlier download';
}

async function handOver(
  client: ControlClient,
  command: GetCommand | PutCommand,
  putUrls: readonly string[],
  reporter: Reporter,
  interrupts: InterruptWatch,
  alone: boolean,
): Promise<{ accepted: TransferView[]; continued: Map<string, { newAddress: boolean }>; refused: number }> {
  const accepted: TransferView[] = [];
  /** Made before this command asked: an earlier run's, continued (alone only); from another URL when its link was given anew. */
  const continued = new Map<string, { newAddress: boolean }>();
  let refused = 0;
  // One call per transfer (a URL, a -i list's entry, a file), so that one refused does not hide which others were accepted.
  const items: (string | GetDownload)[] = command.kind === 'get' ? await underDownloadFolder(client, downloadsOf(command)) : command.sources;
  for (const [index, item] of items.entries()) {
    if (interrupts.happened) break;
    try {
      const asked = Date.now();
      const views =
        command.kind === 'get'
          ? await client.call('addDownloads', downloadInput(command, item as GetDownload, alone))
          : await client.call('addUploadsTo', uploadInput(command, item as string, putUrls[index]!, alone));
      for (const view of views) {
        // Joined, --limit is each transfer's own; alone it is the run's (kit/host/open-host.ts).
        if (!alone && command.kind === 'get' && command.limit !== null && (item as GetDownload).speedLimit === undefined) {
          await client.call('setTransferSpeedLimit', { id: view.id, bytesPerSecond: command.limit });
        }
        accepted.push(view);
        // Continued from a new address: the engine logged the change during this call (views mask passwords).
        const moved = command.kind === 'get' && view.log.some((entry) => entry.at >= asked && entry.message === `Address changed to ${maskUrlPasswords((item as GetDownload).url)}`);
        if (view.createdAt < asked) continued.set(view.id, { newAddress: moved });
      }
    } catch (error) {
      refused++;
      reporter.error(`ferry: ${typeof item === 'string' ? item : labelOf(item)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { accepted, continued, refused };
}

/** A list's `out=a/b/name` with no folder named goes to a/b in the Ferry's download folder (Settings), as aria2 puts it under its --dir. */
async function underDownloadFolder(client: ControlClient, downloads: GetDownload[]): Promise<GetDownload[]> {
  if (!downloads.some((download) => download.subfolders)) return downloads;
  const { downloadDirectory } = await client.call('getSettings', undefined);
  return downloads.map(({ subfolders, ...download }) => (subfolders ? { ...download, directory: path.join(downloadDirectory, ...subfolders) } : download));
}

function downloadInput(command: GetCommand, download: GetDownload, alone: boolean) {
  // Alone, the command's proxy options are the run's "system" proxy; joined, they go with the
  // transfers. A list entry's own proxy goes with it either way.
  const proxy = download.proxy ?? (alone ? undefined : handedOverProxy(command.proxy));
  return {
    urls: [download.url],
    ...(download.mirrors.length > 0 ? { mirrors: download.mirrors } : {}),
    // No --dir: the Ferry's own download folder (Settings; ~/Downloads by default), as the app saves.
    ...(download.directory !== undefined ? { directory: download.directory } : {}),
    ...(download.fileName !== undefined ? { fileName: download.fileName } : {}),
    ...(download.sha256 !== undefined ? { sha256: download.sha256 } : {}),
    // A count named on the command line or in the list opens at once; else the engine's adaptive count, as always for `ferry get`.
    connections: download.connections ?? 'adaptive',
    ...(download.stream !== undefined ? { stream: download.stream } : {}),
    ...(download.headers !== undefined ? { headers: download.headers } : {}),
    // A list's max-download-limit is the entry's own (0: none, over the command's --limit).
    ...(typeof download.speedLimit === 'number' ? { bytesPerSecond: download.speedLimit } : {}),
    ...(proxy ? { proxy } : {}),
    ...(alone ? { continueUnfinished: true } : {}),
  };
}

function proxyInput(command: GetCommand | PutCommand) {
  const proxy = handedOverProxy(command.proxy);
  return proxy ? { proxy } : {};
}

function uploadInput(command: PutCommand, source: string, url: string, alone: boolean) {
  return {
    uploads: [{ path: source, url }],
    method: command.method,
    protocol: command.protocol,
    headers: Object.entries(command.headers).map(([name, value]) => ({ name, value })),
    ...(command.fieldName !== undefined ? { fieldName: command.fieldName } : {}),
    ...(Object.keys(command.fields).length > 0 ? { fields: command.fields } : {}),
    ...(alone ? { continueUnfinished: true } : { ...(command.limit !== null ? { bytesPerSecond: command.limit } : {}), ...proxyInput(command) }),
  };
}
