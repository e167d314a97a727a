// The aria2 RPC inside a host that also has a UI (the desktop app, `ferry serve`): runs it while
// the settings say so, on the port they name, restarting when either changes. A port that is taken
// (aria2c, another program) is a notice and a `problem` in rpcInfo, never a failed start of Ferry.
import type { RpcInfo } from '../../../../shared/contract';
import type { Settings } from '../../../../shared/settings';
import type { RpcBackend } from './backend';
import { installBrowserPairing, type BrowserPairing } from '../browser-pairing/browser-pairing';
import { removeEndpointFile, writeEndpointFile } from '../endpoint-file';
import { loadOrCreateRpcSecret, secretPath } from './secret';
import { startRpcServer, type RpcServer } from './server';

export interface RpcController {
  /** For UIs: never the secret itself. */
  info(): RpcInfo;
  /** For the host's main process only (the desktop app's clipboard copy). */
  secret(): string;
  /** Apply the current settings (start, stop or move); call after every settings change. */
  apply(): Promise<void>;
  stop(): Promise<void>;
}

export interface RpcControllerOptions {
  dataDir: string;
  backend: RpcBackend;
  warn(message: string): void;
  /** Install the native-messaging host that pairs Ferry's browser extension (not in tests). */
  browserPairing?: BrowserPairing;
  /** Test seam: listen here instead of settings.rpcPort (0: any free port). */
  portOverride?: number;
  /** Whether the host's UI can have the secret copied by its main process (the desktop app). */
  canCopySecret?: boolean;
}

export async function createRpcController(options: RpcControllerOptions): Promise<RpcController> {
  const secret = await loadOrCreateRpcSecret(options.dataDir);
  let server: RpcServer | undefined;
  let runningPort: number | undefined;
  let problem: string | undefined;
  let stopped = false;
  // apply() calls run one after another: a second settings change waits for the first restart.
  let queue: Promise<void> = Promise.resolve();

  const wanted = (settings: Settings) => (settings.rpcEnabled && !stopped ? (options.portOverride ?? settings.rpcPort) : undefined);

  async function reconcile(): Promise<void> {
    const port = wanted(options.backend.getSettings());
    if (server && port === runningPort) return;
    if (server) {
      await removeEndpointFile(options.dataDir);
      await server.close();
      server = undefined;
      runningPort = undefined;
    }
    problem = undefined;
    if (port === undefined) return;
    try {
      server = await startRpcServer({ backend: options.backend, secret, port });
      runningPort = port;
      await writeEndpointFile(options.dataDir, server.endpoint, secret);
      if (options.browserPairing) await installBrowserPairing(options.dataDir, options.browserPairing, options.warn);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      options.warn(problem);
    }
  }

  const controller: RpcController = {
    info: () => ({
      enabled: options.backend.getSettings().rpcEnabled,
      endpoint: server?.endpoint ?? null,
      secretFile: secretPath(options.dataDir),
      canCopySecret: options.canCopySecret === true,
      ...(problem ? { problem } : {}),
    }),
    secret: () => secret,
    apply: () => (queue = queue.then(reconcile, reconcile)),
    async stop() {
      stopped = true;
      await controller.apply();
    },
  };
  await controller.apply();
  return controller;
}
