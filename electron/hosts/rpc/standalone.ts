// `ferry rpc`: Ferry (kit/host/open-host.ts) with its aria2-compatible RPC always on and no UI.
// Prints one line, `Ferry RPC: http://127.0.0.1:6800/jsonrpc`, runs until SIGINT/SIGTERM or
// aria2.shutdown. The owner's `ferry get`/`put` join it over the local channel.
import path from 'node:path';
import type { SystemProxy } from '../../engine/index';
import { nodeBrowserPairing } from '../kit/browser-pairing/browser-pairing';
import { openHost } from '../kit/host/open-host';
import type { GuessDelays } from '../kit/rpc/guess-gate';
import { DEFAULT_RPC_PORT } from '../kit/rpc/server';

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
  server: { port: number; endpoint: string };
  secret: string;
  /** Resolves once closed (by close(), a signal or aria2.shutdown). */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runStandaloneRpc(options: StandaloneRpcOptions): Promise<StandaloneRpc> {
  const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const exitAfterClose = () => void close().finally(() => (options.handleSignals ?? true) && process.exit(0));
  const host = await openHost({
    dataDir: options.dataDir,
    log: warn,
    ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
    rpc: {
      always: true,
      portOverride: options.port ?? DEFAULT_RPC_PORT,
      shutdown: exitAfterClose,
      ...(options.secret !== undefined ? { secret: options.secret } : {}),
      ...(options.allowAnyOrigin ? { allowAnyOrigin: true } : {}),
      ...(options.guessDelays ? { guessDelays: options.guessDelays } : {}),
    },
    ...(options.browserPairing ? { browserPairing: nodeBrowserPairing() } : {}),
    localControl: true,
  });
  const close = () => host.close().then(resolveClosed);
  if (options.handleSignals ?? true) {
    process.on('SIGINT', exitAfterClose);
    process.on('SIGTERM', exitAfterClose);
  }
  const server = host.rpc!.address()!;
  print(`Ferry RPC: ${server.endpoint}`);
  // The secret itself stays out of terminal scrollback and logs: it is in a file only its owner reads.
  if (options.secret === undefined) print(`Secret: in ${path.join(host.dataDir, 'rpc-secret')} (aria2 clients send it as token:SECRET)`);
  return { server, secret: host.rpc!.secret(), closed, close };
}
