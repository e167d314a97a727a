// `ferry rpc`: the engine and the aria2-compatible RPC alone, no UI. Prints one line,
// `Ferry RPC: http://127.0.0.1:6800/jsonrpc`, runs until SIGINT/SIGTERM or aria2.shutdown.
// The data folder, stores, engine and service are the host kit's, wired as for `ferry serve`.
import path from 'node:path';
import type { SystemProxy } from '../../engine/index';
import { openHostService } from '../kit/host-service';
import { serviceBackend } from '../kit/rpc/backend';
import { installBrowserPairing, nodeBrowserPairing } from '../kit/browser-pairing/browser-pairing';
import { removeEndpointFile, writeEndpointFile } from '../kit/endpoint-file';
import { loadOrCreateRpcSecret } from '../kit/rpc/secret';
import { startRpcServer, type RpcServer } from '../kit/rpc/server';
import type { GuessDelays } from '../kit/rpc/guess-gate';
import { startLocalControlOrWarn, type LocalControl } from '../kit/local-control/server';

export interface StandaloneRpcOptions {
  dataDir: string;
  port?: number;
  /** --rpc-secret: used instead of the saved one for this run. */
  secret?: string;
  /** --rpc-allow-origin-all: any web origin may call (with the secret) for this run. */
  allowAnyOrigin?: boolean;
  /** How long wrong secrets are held (tests of other things shorten it). */
  guessDelays?: GuessDelays;
  print?: (line: string) => void;
  warn?: (line: string) => void;
  /** Install the native-messaging host that pairs Ferry's browser extension (`ferry rpc` does). */
  browserPairing?: boolean;
  /** What the "system" proxy setting means (`ferry rpc`: the environment under its proxy options). */
  systemProxy?: SystemProxy;
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
  const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  const host = await openHostService({
    dataDir: options.dataDir,
    problem: (message) => warn(`ferry: ${message}`),
    ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
  });
  const { dataDir, engine, service, settingsStore } = host;
  try {
    const secret = options.secret ?? (await loadOrCreateRpcSecret(dataDir));
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    let closing: Promise<void> | undefined;
    let localControl: LocalControl | undefined;
    const close = () =>
      (closing ??= (async () => {
        await removeEndpointFile(dataDir);
        await localControl?.close();
        await server.close();
        await host.close();
        resolveClosed();
      })());
    const exitAfterClose = () => void close().finally(() => (options.handleSignals ?? true) && process.exit(0));
    const server = await startRpcServer({
      backend: serviceBackend(engine, service, settingsStore, exitAfterClose),
      secret,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.allowAnyOrigin ? { allowAnyOrigin: true } : {}),
      ...(options.guessDelays ? { guessDelays: options.guessDelays } : {}),
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
    await host.close();
    throw error;
  }
}
