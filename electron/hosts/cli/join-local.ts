// `ferry get` / `ferry put` while the desktop app, `ferry serve` or `ferry rpc` owns the data
// folder: hand the transfers to that Ferry over its owner-only local channel (a socket in the data
// folder, speaking the contract) and follow them with the usual output and exit status; --detach
// returns once they are accepted. The transfers belong to that Ferry: Ctrl-C stops following only.
// Uploads go here and never over the aria2 RPC, whose secret browser extensions also hold.
import type { TransferView } from '../../../shared/transfer';
import { isFinished } from '../../../shared/transfer';
import { connectLocalControl, type ControlClient } from '../kit/local-control/client';
import type { GetCommand, PutCommand } from './args';
import { downloadsOf, labelOf, type GetDownload } from './get-downloads';
import { watchInterrupts, type InterruptWatch } from './interrupt-watch';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './outcome';
import { handedOverProxy } from './proxy-options';
import { Reporter, type OutputMode } from './reporter';

interface Output {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** undefined: no Ferry listens on the data folder's local channel (the caller tries the RPC, then reports the lock). A listener that fails the handshake ends the command (exit 1). */
export async function joinOverLocalControl(
  command: GetCommand | PutCommand,
  putUrls: readonly string[],
  output: Output,
): Promise<number | undefined> {
  const client = await connectLocalControl(command.dataDir);
  if (!client) return undefined;
  if ('refused' in client) {
    // Not the RPC either: whatever holds the channel is not to be trusted with this command.
    output.err.write(`ferry: ${client.message}\n`);
    return EXIT_FAILED;
  }
  const detach = command.detach === true;
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
  const interrupts = watchInterrupts();
  try {
    const { accepted, refused } = await handOver(client, command, putUrls, reporter, interrupts);
    if (interrupts.happened) {
      reporter.error(`ferry: interrupted; ${accepted.length} transfer(s) handed over go on in the running Ferry`);
      return EXIT_INTERRUPTED;
    }
    if (accepted.length === 0) return EXIT_FAILED;
    if (detach) {
      for (const view of accepted) output.out.write(command.quiet ? `${view.id}\n` : `handed over ${view.name} (id ${view.id})\n`);
      return refused > 0 ? EXIT_FAILED : EXIT_OK;
    }
    const doing = command.kind === 'get' ? 'downloads' : 'uploads';
    reporter.info(`ferry: the running Ferry owns ${command.dataDir}; it ${doing}, this command follows (Ctrl-C stops following only)`);
    for (const view of accepted) reporter.track(latest.get(view.id) ?? view);
    const ended = await follow(client, accepted, latest, removed, reporter, interrupts, (listener) => (onUpdate = listener));
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

async function handOver(
  client: ControlClient,
  command: GetCommand | PutCommand,
  putUrls: readonly string[],
  reporter: Reporter,
  interrupts: InterruptWatch,
): Promise<{ accepted: TransferView[]; refused: number }> {
  const accepted: TransferView[] = [];
  let refused = 0;
  // One call per transfer, so that one refused file does not hide which others were accepted.
  const items: (string | GetDownload)[] = command.kind === 'get' ? downloadsOf(command) : command.sources;
  for (const [index, item] of items.entries()) {
    if (interrupts.happened) break;
    try {
      const views = command.kind === 'get' ? await client.call('addDownloads', downloadInput(command, item as GetDownload)) : await client.call('addUploadsTo', uploadInput(command, item as string, putUrls[index]!));
      for (const view of views) {
        const limit = command.kind === 'get' ? ((item as GetDownload).speedLimit ?? command.limit) : null;
        if (limit !== null) await client.call('setTransferSpeedLimit', { id: view.id, bytesPerSecond: limit });
        accepted.push(view);
      }
    } catch (error) {
      refused++;
      reporter.error(`ferry: ${typeof item === 'string' ? item : labelOf(item)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { accepted, refused };
}

function downloadInput(command: GetCommand, download: GetDownload) {
  // The channel's addDownloads takes no headers yet: refused here rather than sent without them.
  if (download.headers) throw new Error('its header lines cannot be handed to a running Ferry yet; run it while no Ferry owns the data folder');
  const proxy = download.proxy ?? handedOverProxy(command.proxy);
  return {
    urls: [download.url],
    directory: download.directory,
    ...(download.fileName !== undefined ? { fileName: download.fileName } : {}),
    ...(download.sha256 !== undefined ? { sha256: download.sha256 } : {}),
    ...(download.connections !== undefined ? { connections: download.connections } : {}),
    ...(download.stream !== undefined ? { stream: download.stream } : {}),
    ...(proxy ? { proxy } : {}),
  };
}

function proxyInput(command: GetCommand | PutCommand) {
  const proxy = handedOverProxy(command.proxy);
  return proxy ? { proxy } : {};
}

function uploadInput(command: PutCommand, source: string, url: string) {
  return {
    uploads: [{ path: source, url }],
    method: command.method,
    protocol: command.protocol,
    headers: Object.entries(command.headers).map(([name, value]) => ({ name, value })),
    ...(command.fieldName !== undefined ? { fieldName: command.fieldName } : {}),
    ...(Object.keys(command.fields).length > 0 ? { fields: command.fields } : {}),
    ...(command.limit !== null ? { bytesPerSecond: command.limit } : {}),
    ...proxyInput(command),
  };
}

/** Until every accepted transfer finished or was removed; or the running Ferry went away; or a signal. */
function follow(
  client: ControlClient,
  accepted: readonly TransferView[],
  latest: ReadonlyMap<string, TransferView>,
  removed: ReadonlySet<string>,
  reporter: Reporter,
  interrupts: InterruptWatch,
  setOnUpdate: (listener: () => void) => void,
): Promise<'finished' | number> {
  return new Promise((resolve) => {
    const reported = new Set<string>();
    let settled = false;
    const done = (result: 'finished' | number) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const check = () => {
      let open = 0;
      for (const view of accepted) {
        if (removed.has(view.id)) {
          if (!reported.has(view.id)) reporter.error(`ferry: ${view.name}: removed in the running Ferry`);
          reported.add(view.id);
        } else if (!isFinished((latest.get(view.id) ?? view).state)) {
          open++;
        }
      }
      if (open === 0) done('finished');
      return open;
    };
    interrupts.onInterrupt(() => {
      if (settled) return;
      reporter.stop();
      reporter.error(`ferry: stopped following; ${check()} transfer(s) go on in the running Ferry`);
      done(EXIT_INTERRUPTED);
    });
    client.onClose(() => {
      if (settled) return;
      reporter.stop();
      reporter.error('ferry: lost the running Ferry; its transfers continue when it runs again');
      done(EXIT_FAILED);
    });
    setOnUpdate(check);
    check();
  });
}
