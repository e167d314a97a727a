// The aria2-compatible JSON-RPC endpoint: POST /jsonrpc and a WebSocket on /jsonrpc, on loopback.
// The door, before any call runs: Host must be a loopback name (a DNS name rebound to 127.0.0.1 is
// refused); Origin must be one the user allows (origin-policy.ts), for POST, its CORS answer and
// the WebSocket upgrade alike; a message is at most 1 MiB; wrong secrets wait (guess-gate.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { isLoopbackHostHeader } from '../web/loopback';
import type { RpcBackend } from './backend';
import { GuessGate, type Caller, type GuessDelays } from './guess-gate';
import { createDispatcher, PARSE_ERROR } from './json-rpc';
import { createMethods } from './methods';
import { followNotifications } from './notifications';
import { corsHeaders, normaliseOrigin, originAllowed, type OriginPolicy } from './origin-policy';
import { inspectMessage } from './secret-check';

export const DEFAULT_RPC_PORT = 6800;
export const RPC_PATH = '/jsonrpc';
/** Half of aria2's --rpc-max-request-size default (2M): one addUri with a browser's cookies fits many times over. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** WebSocket messages of one socket read ahead while it waits for its turn at the gate. */
const SOCKET_READ_AHEAD = 4;

export interface RpcServerOptions {
  backend: RpcBackend;
  secret: string;
  /** Default 6800; 0 picks a free port. */
  port?: number;
  /** Always a loopback address; default 127.0.0.1. */
  host?: '127.0.0.1' | '::1';
  /** `ferry rpc --rpc-allow-origin-all`: any web origin for this run, whatever the settings say. */
  allowAnyOrigin?: boolean;
  /** How long wrong secrets are held; tests of other things shorten it. */
  guessDelays?: GuessDelays;
}

export interface RpcServer {
  port: number;
  /** http://127.0.0.1:PORT/jsonrpc */
  endpoint: string;
  close(): Promise<void>;
}

const BUSY = JSON.stringify({ id: null, jsonrpc: '2.0', error: { code: 1, message: 'Too many calls are waiting after wrong secrets; try again later' } });
const ORIGIN_REFUSED = "This web page's origin may not call Ferry's aria2 RPC: allow it in Ferry's Settings › aria2 RPC\n";

/** The body, or undefined when it grew past `max` (reading stops there). */
function readBody(req: http.IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A caller gone mid-body must not keep its place at the gate.
    req.on('close', () => reject(new Error('The caller went away')));
  });
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  let port = options.port ?? DEFAULT_RPC_PORT;
  const table = createMethods(options.backend, { listenPort: () => port });
  const dispatcher = createDispatcher(table);
  const gate = new GuessGate(options.guessDelays);
  // Read at every request: a change in Settings applies at once.
  const policy = (): OriginPolicy => {
    const settings = options.backend.settings();
    return { listed: settings.rpcAllowedOrigins, anyOrigin: options.allowAnyOrigin === true || settings.rpcAllowAnyOrigin };
  };

  /**
   * Parses, judges and runs one message. The verdict reaches the gate before the first await, so
   * the caller may release its turn right after calling; a wrong secret's answer is held.
   */
  async function answer(text: string, caller: Caller, onAuthorized?: () => void): Promise<string | undefined> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return JSON.stringify({ id: null, jsonrpc: '2.0', error: PARSE_ERROR });
    }
    const judged = inspectMessage(message, options.secret);
    let holdUntil = 0;
    if (judged.verdict === 'wrong') holdUntil = Date.now() + gate.wrong(caller);
    if (judged.verdict === 'right') {
      gate.right(caller);
      onAuthorized?.();
    }
    const reply = await dispatcher.handle(message, judged);
    const hold = holdUntil - Date.now();
    if (hold > 0) await sleep(hold, undefined, { ref: false });
    return reply === undefined ? undefined : JSON.stringify(reply);
  }

  const server = http.createServer((req, res) => {
    serveHttp(req, res).catch(() => res.destroy());
  });
  // aria2 clients poll every second or so over one kept-alive connection. Node closes an idle one
  // after 5 s, and a client that sends on it just then gets ECONNRESET (seen on a loaded machine);
  // a minute, as nginx's 75 s, makes that race rare. close() still ends them at once.
  server.keepAliveTimeout = 60_000;

  async function serveHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
      void res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
    if (!isLoopbackHostHeader(req.headers.host, port)) return plain(403, 'Host is not a loopback name\n');
    const origin = req.headers.origin;
    const rules = policy();
    // No CORS headers either: the page can read nothing, and its call never runs.
    if (!originAllowed(origin, rules)) return plain(403, ORIGIN_REFUSED, { connection: 'close' });
    const cors = corsHeaders(origin, rules);
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname !== RPC_PATH) return plain(404, 'Not found\n', cors);
    if (req.method === 'OPTIONS') return void res.writeHead(200, cors).end();
    if (req.method !== 'POST') return plain(405, 'POST a JSON-RPC request\n', { allow: 'POST, OPTIONS', ...cors });
    const tooLarge = () => {
      plain(413, 'Request too large\n', { connection: 'close', ...cors });
      req.destroy();
    };
    if (Number(req.headers['content-length']) > MAX_REQUEST_BYTES) return tooLarge();
    const caller: Caller = origin === undefined ? req.socket : normaliseOrigin(origin);
    const release = await gate.enter(caller);
    if (!release) {
      res.writeHead(429, { 'content-type': 'application/json-rpc', ...cors }).end(BUSY);
      return;
    }
    let pending: Promise<string | undefined>;
    try {
      const text = await readBody(req, MAX_REQUEST_BYTES);
      if (text === undefined) return tooLarge();
      pending = answer(text, caller);
    } finally {
      release();
    }
    const body = await pending;
    if (res.destroyed) return;
    res.writeHead(body === undefined ? 204 : 200, { 'content-type': 'application/json-rpc', ...cors });
    res.end(body);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const origin = req.headers.origin;
    if (!isLoopbackHostHeader(req.headers.host, port) || pathname !== RPC_PATH || !originAllowed(origin, policy())) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, origin));
  });

  const send = (ws: WebSocket, text: string) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.close(1013, 'Too far behind');
    ws.send(text);
  };
  // Notifications go to sockets that have shown the secret in a call (aria2 sends them to every
  // socket): a web page that merely connects learns nothing, not even GIDs.
  const trusted = new WeakSet<WebSocket>();
  function serveSocket(ws: WebSocket, origin: string | undefined): void {
    const caller: Caller = origin === undefined ? ws : normaliseOrigin(origin);
    // Messages take their turn at the gate in order; the calls themselves then run side by side.
    let turn: Promise<void> = Promise.resolve();
    let readAhead = 0;
    // ws reports a message over maxPayload (and protocol errors) as an 'error' and closes with
    // 1009/1002 by itself; unheard, that error would end the whole process.
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const text = data.toString();
      if (++readAhead > SOCKET_READ_AHEAD) ws.pause();
      turn = turn.then(async () => {
        const release = await gate.enter(caller);
        if (--readAhead <= SOCKET_READ_AHEAD && ws.isPaused) ws.resume();
        if (!release) return send(ws, BUSY);
        const pending = answer(text, caller, () => trusted.add(ws));
        release();
        void pending.then((body) => body !== undefined && send(ws, body));
      });
    });
  }
  const stopFollowing = followNotifications(
    options.backend.views,
    (notification) => {
      const text = JSON.stringify(notification);
      for (const client of sockets.clients) if (trusted.has(client)) send(client, text);
    },
    (id) => table.forget(id),
  );

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopFollowing();
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use (is aria2c or another Ferry running?)' : (error as Error).message;
    throw new Error(`Could not start the aria2 RPC on ${host}:${port}: ${why}`);
  }
  port = (server.address() as AddressInfo).port;
  const shownHost = host === '::1' ? '[::1]' : host;

  let closing: Promise<void> | undefined;
  return {
    port,
    endpoint: `http://${shownHost}:${port}${RPC_PATH}`,
    close: () =>
      (closing ??= (async () => {
        stopFollowing();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
