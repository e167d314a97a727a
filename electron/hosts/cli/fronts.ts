// `ferry serve` and `ferry rpc` run other fronts (the headless host, the standalone RPC). The CLI
// does not import them: the `ferry` entry (electron/ferry-cli.ts) hands in loaders, so each front
// depends only on the host kit and the CLI's commands stay lazy (get/put never load them).

import type { SystemProxy } from '../../engine/index';

export interface ServeOptions {
  dataDir: string;
  /** What the "system" proxy setting means: the environment under --all-proxy & co. */
  systemProxy?: SystemProxy;
  port?: number;
  host?: string;
  newToken?: boolean;
  /** The command as the user typed it, for the page opened without a token. */
  launchedBy?: string;
  rpc: boolean;
  browserPairing: boolean;
}

export interface RpcOptions {
  dataDir: string;
  systemProxy?: SystemProxy;
  browserPairing: boolean;
  port?: number;
  secret?: string;
}

export interface OtherFronts {
  /** The headless host: prints its URL line, then runs until a signal. */
  loadServe(): Promise<(options: ServeOptions) => Promise<unknown>>;
  /** The aria2 RPC alone: prints its endpoint, then runs until a signal or aria2.shutdown. */
  loadRpc(): Promise<(options: RpcOptions) => Promise<unknown>>;
}
