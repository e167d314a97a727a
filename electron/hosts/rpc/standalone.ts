// `ferry rpc`: the engine and the aria2-compatible RPC alone, no UI. Prints one line,
// `Ferry RPC: http://127.0.0.1:6800/jsonrpc`, runs until SIGINT/SIGTERM or aria2.shutdown.
// (The wiring of data folder, lock, stores and service repeats the headless host's; it belongs in
// the shared host kit once there is one.)
import os from 'node:os';
import path from 'node:path';
import { openEngine } from '../../engine/index';
import { lockDataDir } from '../cli/data-dir-lock';
import { openPrivateDataDir } from '../cli/private-data-dir';
import { openConfBacking } from '../service/backing-store';
import { createDestinationsStore } from '../service/destinations-store';
import { createFerryService, engineSettingsFrom } from '../service/ferry-service';
import { createFileSecretStore } from '../service/secret-store';
import { createSettingsStore } from '../service/settings-store';
import { serviceBackend } from './backend';
import { installBrowserPairing, nodeBrowserPairing } from '../native-messaging/browser-pairing';
import { removeEndpointFile, writeEndpointFile } from './endpoint-file';
import { loadOrCreateRpcSecret } from './secret';
import { startRpcServer, type RpcServer } from './server';
import { startLocalControlOrWarn, type LocalControl } from '../local-control/server';

export interface StandaloneRpcOptions {
  dataDir: string;
  port?: number;
  /** --rpc-secret: used instead of the saved one for this run. */
  secret?: string;
  print?: (line: string) => void;
  warn?: (line: string) => void;
  /** Install the native-messaging host that pairs Ferry's browser extension (`ferry rpc` does). */
  browserPairing?: boolean;
  /** Exit the process on SIGINT/SIGTERM/shutdown (default true; tests turn it off). */
  handleSignals?: boolean;
}

export interface StandaloneRpc {
  server: RpcServer;
  secret: string;
  /** Resolves once closed (by close(), a signal or aria2.shutdown). */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runStandaloneRpc(options: StandaloneRpcOptions): Promise<StandaloneRpc> {
  const dataDir = path.resolve(options.dataDir);
  const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  // 0700, as every host opens it: the local control socket inside relies on that.
  await openPrivateDataDir(dataDir);
  const lock = await lockDataDir(dataDir);
  if (!lock.ok) throw new Error(lock.message);

  let engine: Awaited<ReturnType<typeof openEngine>> | undefined;
  try {
    const secret = options.secret ?? (await loadOrCreateRpcSecret(dataDir));
    const secrets = createFileSecretStore({ dir: dataDir });
    const settingsStore = createSettingsStore(openConfBacking(dataDir, 'settings'), path.join(os.homedir(), 'Downloads'));
    const destinationsStore = createDestinationsStore(openConfBacking(dataDir, 'destinations'), secrets);
    engine = await openEngine({ dataDir, settings: engineSettingsFrom(settingsStore.get()), secrets });
    for (const problem of engine.startupProblems) warn(`ferry: ${problem}`);
    const opened = engine;
    const service = createFerryService({
      engine: opened,
      settingsStore,
      destinationsStore,
      adHocSecrets: secrets,
      openPath: async () => 'Opening files is only available in the desktop app',
      showItemInFolder: async () => {
        throw new Error('Showing files in their folder is only available in the desktop app');
      },
    });
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    let closing: Promise<void> | undefined;
    let localControl: LocalControl | undefined;
    const close = () =>
      (closing ??= (async () => {
        await removeEndpointFile(dataDir);
        await localControl?.close();
        await server.close();
        service.close();
        await Promise.allSettled([opened.close()]);
        await lock.release();
        resolveClosed();
      })());
    const exitAfterClose = () => void close().finally(() => (options.handleSignals ?? true) && process.exit(0));
    const server = await startRpcServer({
      backend: serviceBackend(opened, service, settingsStore, exitAfterClose),
      secret,
      ...(options.port !== undefined ? { port: options.port } : {}),
    }).catch(async (error: unknown) => {
      service.close();
      await opened.close();
      throw error;
    });
    if (options.handleSignals ?? true) {
      process.on('SIGINT', exitAfterClose);
      process.on('SIGTERM', exitAfterClose);
    }
    // `ferry get`/`put` of the same user join here first (owner-only socket in the data folder).
    localControl = await startLocalControlOrWarn({ dataDir, service }, (message) => warn(`ferry: ${message}`));
    await writeEndpointFile(dataDir, server.endpoint, secret);
    if (options.browserPairing) await installBrowserPairing(dataDir, nodeBrowserPairing(), warn);
    print(`Ferry RPC: ${server.endpoint}`);
    // The secret itself stays out of terminal scrollback and logs: it is in a file only its owner reads.
    if (options.secret === undefined) print(`Secret: in ${path.join(dataDir, 'rpc-secret')} (aria2 clients send it as token:SECRET)`);
    return { server, secret, closed, close };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
