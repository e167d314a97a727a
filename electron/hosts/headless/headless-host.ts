// The headless host: Ferry (kit/host/open-host.ts) plus the built renderer, served over HTTP and one
// WebSocket, for machines without a display and for remote control (`ferry serve`, `npm run
// headless`). Its UI calls the one service as the owner: whoever holds the token owns the machine.
//
// How the browser UI (renderer/) talks to it — the renderer's WebSocket client follows this:
// - On start the host prints exactly one line: `Ferry UI: http://127.0.0.1:PORT/#token=<64 hex>`.
//   The token sits in the fragment so it never reaches the server, logs or Referer headers.
//   The page reads it from `location.hash` (and may drop it from the address bar). Port and token
//   are kept in the data folder (ui-address.ts), so the URL stays the same across restarts.
// - `GET /api/session` (token needed) answers 204: a page whose socket will not open asks it whether
//   its token is refused (401) or the host is away. `GET /host-info.json` (no token) names the
//   command that started the host and, bound to loopback, the file holding the current URL.
// - WebSocket: `ws://<location.host>/ws?token=<token>`, carrying the wire (shared/wire/messages.ts):
//   calls, replies and events as JSON text, the snapshot first on every connect.
// - Dropped files: `POST /api/upload-file?name=<encodeURIComponent(file.name)>` with header
//   `X-Ferry-Token: <token>` and the raw file bytes as body. Answer: JSON `{ path }` (errors: `{ ok: false, error }`); then
//   call addUploads({ paths: [path], destinationId }).
// - Every /api/ request and the /ws socket need the token; static files do not. Host and Origin (when
//   sent) must be this host's own address, else 403 (DNS-rebinding defence).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { SystemProxy } from '../../engine/index';
import { isLoopbackName } from '../kit/web/loopback';
import { defaultDataDir } from '../kit/data-dir/data-dir';
import { openHost } from '../kit/host/open-host';
import type { ContractService } from '../../../shared/wire/contract-server';
import { nodeBrowserPairing } from '../kit/browser-pairing/browser-pairing';
import { allowedHostsFor, createRequestGuard, type GuardResult } from './request-guard';
import { packageRoot } from '../kit/host/package-root';
import { buildRenderer, defaultRendererDir, rendererBuilt } from './renderer-build';
import { bridgeSocket, fromHostMachine } from './socket-bridge';
import { desktopOpener } from '../kit/opening/desktop-open';
import { securityHeaders } from '../kit/web/security-policy';
import { serveStatic } from './static-files';
import { cleanInbox, receiveUpload } from './upload-inbox';
import { loadUiAddress, saveUiUrl, uiUrlFile } from './ui-address';

export interface HeadlessHostOptions {
  /** Default: the port used last (kept in the data folder), else 6801; if that one is taken, any free one (said). */
  port?: number;
  /** Forget the kept token and make a new one (`ferry serve --new-token`): old URLs stop working. */
  newToken?: boolean;
  /** The command that started the host, as the user typed it (`ferry serve`, `npm start`): the page names it. */
  launchedBy?: string;
  /** Address to bind; default 127.0.0.1. Anything else is reachable from the network: warned. */
  host?: string;
  dataDir?: string;
  /** The built renderer; default dist/renderer of this checkout. */
  rendererDir?: string;
  /** Where the one start line (and warnings) go; default stdout/stderr. */
  print?: (line: string) => void;
  warn?: (line: string) => void;
  /** Close cleanly on SIGINT/SIGTERM and exit (default true; tests turn it off). */
  handleSignals?: boolean;
  /**
   * Also serve the aria2-compatible RPC while the settings enable it (`ferry serve` does); it prints
   * a second line, `aria2 RPC: <endpoint>`. `{ port }` overrides the settings' port (tests: 0).
   */
  rpc?: boolean | { port: number };
  /** With the RPC: install the native-messaging host that pairs Ferry's browser extension (`ferry serve`). */
  browserPairing?: boolean;
  /** What the "system" proxy setting means here (`ferry serve`: the environment under its proxy options). */
  systemProxy?: SystemProxy;
}

export interface HeadlessHost {
  url: string;
  token: string;
  port: number;
  /** The service as the token holder calls it (the owner: may name paths). */
  service: ContractService;
  close(): Promise<void>;
}

const SOCKET_PATH = '/ws';
const UPLOAD_PATH = '/api/upload-file';
const SESSION_PATH = '/api/session';
const HOST_INFO_PATH = '/host-info.json';
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export { defaultRendererDir } from './renderer-build';

export async function runHeadlessHost(options: HeadlessHostOptions = {}): Promise<HeadlessHost> {
  const bindAddress = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  if (!options.rendererDir && !rendererBuilt(rendererDir)) await buildRenderer(packageRoot(), options.warn ?? ((line) => process.stderr.write(`${line}\n`)));
  const print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
  const warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));

  // The one composition root: data folder, engine, service, the aria2 RPC (while the settings
  // enable it) and the local channel where `ferry get`/`put` of the same user join this host.
  const host = await openHost({
    dataDir,
    log: warn,
    plainSecretsReason: 'the headless host has no OS keychain',
    // Open and Show in folder act on this machine, for a browser on it only (bridgeSocket refuses the others).
    front: desktopOpener(),
    ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
    ...(options.rpc
      ? {
          rpc: typeof options.rpc === 'object' ? { portOverride: options.rpc.port } : {},
          ...(options.browserPairing ? { browserPairing: nodeBrowserPairing() } : {}),
        }
      : {}),
    localControl: true,
  });
  const { service } = host;
  await cleanInbox(dataDir, [...service.views.all()].flatMap((v) => (v.upload ? [v.upload.sourcePath] : [])));
  // Whoever holds the token owns the machine (docs/security.md: the headless host's trust model).
  const ownerService = service.forCaller('owner');

  const remembered = await loadUiAddress(dataDir, { newToken: options.newToken ?? false });
  const token = remembered.token;
  // Names no path unless the host is bound to loopback (then only this machine's users can ask).
  const hostInfo = JSON.stringify({
    command: options.launchedBy ?? 'ferry serve',
    ...(isLoopbackName(bindAddress) ? { urlFile: uiUrlFile(dataDir) } : {}),
  });
  let guard = createRequestGuard({ token, allowedHosts: new Set() });
  const refuse = (res: http.ServerResponse, result: Exclude<GuardResult, { ok: true }>) => {
    res.writeHead(result.status, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() }).end(`${result.message}\n`);
  };

  const server = http.createServer((req, res) => {
    const site = guard.checkSite(req);
    if (!site.ok) return refuse(res, site);
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname === HOST_INFO_PATH) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...securityHeaders() }).end(hostInfo);
      return;
    }
    if (pathname.startsWith('/api/')) {
      const auth = guard.checkToken(req);
      if (!auth.ok) return refuse(res, auth);
      if (pathname === SESSION_PATH) return void res.writeHead(204, { 'cache-control': 'no-store', ...securityHeaders() }).end();
      if (pathname === UPLOAD_PATH) {
        const maxBytes = host.settings().droppedFileLimitMiB * 1024 * 1024;
        return void receiveUpload({ dataDir, maxBytes }, req, res);
      }
      res.writeHead(404, securityHeaders()).end('Not found\n');
      return;
    }
    serveStatic(rendererDir, req, res).catch(() => res.destroy());
  });
  server.requestTimeout = 0; // uploads of big files take as long as they take

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const check = pathname !== SOCKET_PATH ? ({ ok: false, status: 403, message: 'Not a socket' } as const) : guard.checkSite(req);
    const result = check.ok ? guard.checkToken(req) : check;
    if (!result.ok) {
      socket.end(`HTTP/1.1 ${result.status} ${result.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => bridgeSocket(ws, ownerService, host.attachUi(), fromHostMachine(req.socket.remoteAddress)));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, bindAddress, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const wantedPort = options.port ?? remembered.port;
  try {
    try {
      await listen(wantedPort);
    } catch (error) {
      // The kept port is a wish, not a promise: another program may hold it now. A port the user
      // asked for (--port) is a promise: that fails in words below.
      if (options.port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      await listen(0);
      warn(`ferry: port ${wantedPort} is taken by something else, so Ferry listens on ${(server.address() as AddressInfo).port} this time: the address below is new (tabs open on the old one cannot reconnect).`);
    }
  } catch (error) {
    await host.close();
    throw new Error(`Could not listen on ${bindAddress}:${wantedPort}: ${(error as Error).message}`);
  }
  const port = (server.address() as AddressInfo).port;
  guard = createRequestGuard({ token, allowedHosts: allowedHostsFor(bindAddress, port) });

  if (!isLoopbackName(bindAddress)) {
    warn(`ferry: warning: listening on ${bindAddress}, reachable from other machines. Anyone with the URL below controls Ferry; traffic is not encrypted.`);
  }
  const shownHost = bindAddress === '0.0.0.0' || bindAddress === '::' ? '127.0.0.1' : bindAddress;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/#token=${token}`;
  await saveUiUrl(dataDir, url).catch((error: unknown) =>
    warn(`ferry: could not keep the UI's address in ${uiUrlFile(dataDir)} (${(error as Error).message}); the next start will print a new one`),
  );
  host.onClose(async () => {
    for (const client of sockets.clients) client.terminate();
    sockets.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const close = () => host.close();
  if (options.handleSignals ?? true) {
    // In place before the URL line (whoever reads the line may press Ctrl-C at once, and that must
    // be a clean stop). `on`, not `once`:
    // when-exit (conf's atomic writes) re-raises a signal it is told of, which kills the process
    // before the engine checkpoints unless a listener of ours is still there.
    const stop = () => void close().finally(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }

  // Last, so that whoever waits for the URL line (a script, `ferry put` right after) finds every
  // door open: the UI, the aria2 RPC and the local channel.
  print(`Ferry UI: ${url}`);
  if (options.newToken) warn(`ferry: a new token (pages opened with the old one need the URL above; it is also in ${uiUrlFile(dataDir)})`);
  const endpoint = host.rpc?.info().endpoint;
  if (endpoint) print(`aria2 RPC: ${endpoint} (secret in ${path.join(dataDir, 'rpc-secret')})`);
  return { url, token, port, service: ownerService, close };
}
