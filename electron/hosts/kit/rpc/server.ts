// The aria2-compatible JSON-RPC endpoint: POST /jsonrpc and a WebSocket on /jsonrpc, on loopback.
// Host must be a loopback name (a DNS name rebound to 127.0.0.1 is refused); any Origin may call,
// with CORS answered, because every call needs the secret: that is how AriaNg and browser
// extensions reach aria2 too.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isLoopbackHostHeader } from '../loopback';
import type { RpcBackend } from './backend';
import { createDispatcher, PARSE_ERROR } from './json-rpc';
import { createMethods } from './methods';
import { followNotifications } from './notifications';

export const DEFAULT_RPC_PORT = 6800;
export const RPC_PATH = '/jsonrpc';
/** aria2's --rpc-max-request-size default. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface RpcServerOptions {
  backend: RpcBackend;
  secret: string;
  /** Default 6800; 0 picks a free port. */
  port?: number;
  /** Always a loopback address; default 127.0.0.1. */
  host?: '127.0.0.1' | '::1';
}

export interface RpcServer {
  port: number;
  /** http://127.0.0.1:PORT/jsonrpc */
  endpoint: string;
  close(): Promise<void>;
}


function corsHeaders(req: http.IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'access-control-allow-origin': typeof origin === 'string' ? origin : '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers': 'Content-Type',
    'access-control-max-age': '1728000',
    vary: 'Origin',
  };
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  let port = options.port ?? DEFAULT_RPC_PORT;
  const table = createMethods(options.backend, { listenPort: () => port });
  const dispatcher = createDispatcher(table, options.secret);

  const server = http.createServer((req, res) => {
    if (!isLoopbackHostHeader(req.headers.host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Host is not a loopback name\n');
      return;
    }
    const cors = corsHeaders(req);
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname !== RPC_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain', ...cors }).end('Not found\n');
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(200, cors).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST, OPTIONS', 'content-type': 'text/plain', ...cors }).end('POST a JSON-RPC request\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close', ...cors }).end('Request too large\n');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      void answer(Buffer.concat(chunks).toString('utf8')).then((body) => {
        res.writeHead(body === undefined ? 204 : 200, { 'content-type': 'application/json-rpc', ...cors });
        res.end(body);
      });
    });
  });

  async function answer(text: string, onAuthorized?: () => void): Promise<string | undefined> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return JSON.stringify({ id: null, jsonrpc: '2.0', error: PARSE_ERROR });
    }
    const reply = await dispatcher.handle(message, onAuthorized);
    return reply === undefined ? undefined : JSON.stringify(reply);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (!isLoopbackHostHeader(req.headers.host, port) || pathname !== RPC_PATH) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const send = (ws: WebSocket, text: string) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.close(1013, 'Too far behind');
    ws.send(text);
  };
  // Notifications go to sockets that have shown the secret in a call (aria2 sends them to every
  // socket): a web page that merely connects learns nothing, not even GIDs.
  const trusted = new WeakSet<WebSocket>();
  function serveSocket(ws: WebSocket): void {
    // ws reports a message over maxPayload (and protocol errors) as an 'error' and closes with
    // 1009/1002 by itself; unheard, that error would end the whole process.
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      void answer(data.toString(), () => trusted.add(ws)).then((body) => {
        if (body !== undefined) send(ws, body);
      });
    });
  }
  const stopFollowing = followNotifications(
    options.backend.engine,
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
    table.close();
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
        table.close();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
