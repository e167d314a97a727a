// The aria2 RPC of a host. In the desktop app and `ferry serve` it runs while the settings say so,
// on the port they name, restarting when either changes; a port that is taken (aria2c, another
// program) is a notice and a `problem` in rpcInfo, never a failed start of Ferry. `ferry rpc` runs
// it always, on the port and with the secret of its command line, and fails to start without it.
import type { RpcInfo } from '../../../../shared/contract';
import type { Settings } from '../../../../shared/settings';
import type { RpcBackend } from './backend';
import { installBrowserPairing, type BrowserPairing } from '../browser-pairing/browser-pairing';
import { removeEndpointFile, writeEndpointFile } from '../data-dir/endpoint-file';
import type { GuessDelays } from './guess-gate';
import { loadOrCreateRpcSecret, secretPath } from './secret';
import { startRpcServer, type RpcServer } from './server';

export interface RpcController {
  /** For UIs: never the secret itself. */
  info(): RpcInfo;
  /** For the host's main process only (the desktop app's clipboard copy). */
  secret(): string;
  /** Where it listens now, if it does. */
  address(): Pick<RpcServer, 'port' | 'endpoint'> | undefined;
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
  /** Listen here instead of settings.rpcPort (0: any free port). */
  portOverride?: number;
  /** Whether the host's UI can have the secret copied by its main process (the desktop app). */
  canCopySecret?: boolean;
  /** `ferry rpc`: run whatever the settings say, and throw when it cannot start. */
  always?: boolean;
  /** `--rpc-secret`: used instead of the saved one for this run. */
  secret?: string;
  /** `--rpc-allow-origin-all`: any web origin may call (with the secret) for this run. */
  allowAnyOrigin?: boolean;
  /** How long wrong secrets are held (tests of other things shorten it). */
  guessDelays?: GuessDelays;
}

export async function createRpcController(options: RpcControllerOptions): Promise<RpcController> {
  const secret = options.secret ?? (await loadOrCreateRpcSecret(options.dataDir));
  let server: RpcServer | undefined;
  let runningPort: number | undefined;
  let problem: string | undefined;
  let stopped = false;
  // apply() calls run one after another: a second settings change waits for the first restart.
  let queue: Promise<void> = Promise.resolve();

  const wanted = (settings: Settings) => ((settings.rpcEnabled || options.always) && !stopped ? (options.portOverride ?? settings.rpcPort) : undefined);

  async function reconcile(): Promise<void> {
    const port = wanted(options.backend.settings());
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
      server = await startRpcServer({
        backend: options.backend,
        secret,
        port,
        ...(options.allowAnyOrigin ? { allowAnyOrigin: true } : {}),
        ...(options.guessDelays ? { guessDelays: options.guessDelays } : {}),
      });
      runningPort = port;
      await writeEndpointFile(options.dataDir, server.endpoint, secret);
      if (options.browserPairing) await installBrowserPairing(options.dataDir, options.browserPairing, options.warn);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      if (options.always) throw error;
      options.warn(problem);
    }
  }

  const controller: RpcController = {
    info: () => ({
      enabled: options.backend.settings().rpcEnabled,
      endpoint: server?.endpoint ?? null,
      secretFile: secretPath(options.dataDir),
      canCopySecret: options.canCopySecret === true,
      ...(problem ? { problem } : {}),
    }),
    secret: () => secret,
    address: () => (server ? { port: server.port, endpoint: server.endpoint } : undefined),
    apply: () => (queue = queue.then(reconcile, reconcile)),
    async stop() {
      stopped = true;
      await controller.apply();
    },
  };
  await controller.apply();
  return controller;
}
