// The project's own awkward HTTP server for tests, on 127.0.0.1 with a random port.
//
//   const server = await startTestServer();
//   server.route('/file.bin', { body: bytes });                    // Range, If-Range, strong ETag
//   server.route('/norange', { body: bytes, ranges: false });      // ignores Range, always 200
//   server.route('/cut', { body: bytes, cutAfterBytes: 100_000, cutTimes: 5 }); // destroy socket mid-body
//   server.route('/stall', { body: bytes, stallAfterBytes: 1000, stallTimes: 1 }); // go silent, keep socket
//   server.route('/changes', { body: (n) => (n === 0 ? v1 : v2) });  // content per request index
//   server.route('/missing', { status: 404 });
//   server.route('/busy', { statusSequence: [503, 503], retryAfter: '2', body: bytes }); // then 200
//   server.route('/name', { body, headers: { 'content-disposition': 'attachment; filename="../../x"' } });
//   server.route('/loop-a', { redirect: '/loop-b' }); server.route('/loop-b', { redirect: '/loop-a' });
//   server.route('/to-ftp', { redirect: 'ftp://127.0.0.1/x' });
//   server.route('/gz', { body: gzipBytes, gzip: true });          // Content-Encoding: gzip, served raw
//   server.route('/slow', { body, rateBytesPerSec: 200_000 });
//   server.route('/far', { body, rangeDelayMs: 400 });             // Range answers only after 400 ms (a far server)
//   server.route('/custom', (req, res) => { ... });                // full control (uploads etc.)
//   server.url('/file.bin')                                        // http://127.0.0.1:PORT/file.bin
//   server.requestsFor('/file.bin')  -> [{ method, path, query, headers, at }]  (Range, If-Range ...)
//   server.responsesFor('/file.bin') -> [{ status, bytesSent }]   (status -1 for custom handlers)
//   await server.close();                                          // destroys open (stalled) sockets
//   const tlsServer = await startTestServer({ tls: await loopbackCertificate() }); // https://127.0.0.1:PORT
//
// Routes match on the path only; the query string is ignored for matching (recorded though), so a
// test can add ?x=1 to make URLs distinct. Unknown paths answer 404.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RouteOptions {
  /** The resource. A function gets the 0-based index of the request to this route (content that changes). */
  body?: Buffer | string | ((requestIndex: number) => Buffer);
  /** Honour Range / If-Range (default true). false: always 200 with the full body, no Accept-Ranges. */
  ranges?: boolean;
  /** ETag: default a strong tag derived from the content; a string to fix it; false for none. */
  etag?: string | false;
  /** Send the ETag as weak (W/"..."), which must not be used for If-Range. */
  weakEtag?: boolean;
  /** Last-Modified header value; none by default. A function gets the request index. */
  lastModified?: string | ((requestIndex: number) => string);
  /** Answer every request with this status (body: a short text). */
  status?: number;
  /** Statuses for the first requests, then normal service (e.g. [503, 503]). */
  statusSequence?: number[];
  /** Retry-After header value on 503/429 answers. */
  retryAfter?: string;
  /** Location for a 302 (or redirectStatus). */
  redirect?: string;
  redirectStatus?: number;
  /** Extra headers, e.g. content-disposition. */
  headers?: Record<string, string>;
  /** Destroy the socket after this many body bytes, for the first `cutTimes` responses (default: all). */
  cutAfterBytes?: number;
  cutTimes?: number;
  /** Stop sending after this many body bytes and keep the socket open, for the first `stallTimes` responses. */
  stallAfterBytes?: number;
  stallTimes?: number;
  /** Content-Encoding: gzip; the body is served as given (already gzip bytes). */
  gzip?: boolean;
  /** Throttle the body to about this many bytes per second. */
  rateBytesPerSec?: number;
  /** Omit Content-Length (chunked transfer). */
  noContentLength?: boolean;
  /** Answer 503 (with retryAfter) while this many responses to the path are already open. */
  maxOpen?: number;
  /** Hold the answer to every Range request this long: a far server (handshakes, a round trip) or a loaded client. */
  rangeDelayMs?: number;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, requestIndex: number) => void | Promise<void>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface RecordedResponse {
  status: number;
  bytesSent: number;
}

export interface TestServer {
  port: number;
  baseUrl: string;
  url(pathAndQuery: string): string;
  route(path: string, options: RouteOptions | RouteHandler): void;
  requestsFor(path: string): RecordedRequest[];
  responsesFor(path: string): RecordedResponse[];
  /** Most responses to this path that were open at the same time (segmented downloads). */
  peakOpenFor(path: string): number;
  /** Most responses to any path open at the same time. */
  peakOpen(): number;
  /** Responses open right now. */
  openNow(): number;
  /** All requests, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

export interface TestServerOptions {
  /** Serve https with this key and certificate (tls-certificate.ts makes a loopback one). */
  tls?: { key: string; cert: string };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const routes = new Map<string, RouteOptions | RouteHandler>();
  const requests: RecordedRequest[] = [];
  const responses = new Map<string, RecordedResponse[]>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  let openAll = 0;
  let peakAll = 0;

  const server = options.tls ? https.createServer(options.tls) : http.createServer();
  (server as http.Server).on('request', (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const now = (open.get(parsed.pathname) ?? 0) + 1;
    open.set(parsed.pathname, now);
    peak.set(parsed.pathname, Math.max(peak.get(parsed.pathname) ?? 0, now));
    peakAll = Math.max(peakAll, ++openAll);
    res.once('close', () => {
      open.set(parsed.pathname, (open.get(parsed.pathname) ?? 1) - 1);
      openAll -= 1;
    });
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query: parsed.search,
      headers: req.headers,
      at: Date.now(),
    };
    const index = requests.filter((r) => r.path === record.path).length;
    requests.push(record);
    const response: RecordedResponse = { status: 0, bytesSent: 0 };
    const list = responses.get(record.path) ?? [];
    list.push(response);
    responses.set(record.path, list);

    const route = routes.get(parsed.pathname);
    if (!route) {
      response.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    if (typeof route === 'function') {
      Promise.resolve(route(req, res, index)).catch((err) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
      response.status = -1; // custom handler: unknown
      return;
    }
    if (route.maxOpen !== undefined && (open.get(parsed.pathname) ?? 0) > route.maxOpen) {
      response.status = 503;
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (route.retryAfter !== undefined) headers['retry-after'] = route.retryAfter;
      res.writeHead(503, headers).end('too many connections');
      return;
    }
    if (route.rangeDelayMs !== undefined && req.headers.range !== undefined) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) serveRoute(req, res, route, index, response, timers);
      }, route.rangeDelayMs);
      timers.add(timer);
      return;
    }
    serveRoute(req, res, route, index, response, timers);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    port,
    baseUrl,
    url: (p) => baseUrl + (p.startsWith('/') ? p : `/${p}`),
    route: (p, options) => void routes.set(p, options),
    requestsFor: (p) => requests.filter((r) => r.path === p),
    responsesFor: (p) => responses.get(p) ?? [],
    peakOpenFor: (p) => peak.get(p) ?? 0,
    peakOpen: () => peakAll,
    openNow: () => openAll,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function bodyFor(route: RouteOptions, index: number): Buffer {
  const b = route.body;
  if (b === undefined) return Buffer.alloc(0);
  if (typeof b === 'function') return b(index);
  return typeof b === 'string' ? Buffer.from(b) : b;
}

function serveRoute(
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteOptions,
  index: number,
  response: RecordedResponse,
  timers: Set<NodeJS.Timeout>,
): void {
  const sequenced = route.statusSequence?.[index];
  const forcedStatus = route.status ?? sequenced;
  if (forcedStatus !== undefined && (forcedStatus < 200 || forcedStatus >= 300)) {
    response.status = forcedStatus;
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (route.retryAfter !== undefined) headers['retry-after'] = route.retryAfter;
    res.writeHead(forcedStatus, headers).end(`status ${forcedStatus} on purpose`);
    return;
  }
  if (route.redirect !== undefined) {
    response.status = route.redirectStatus ?? 302;
    res.writeHead(response.status, { location: route.redirect }).end();
    return;
  }

  const body = bodyFor(route, index);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...route.headers };
  const etagValue =
    route.etag === false ? undefined : (route.etag ?? `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`);
  const etag = etagValue && route.weakEtag ? `W/${etagValue}` : etagValue;
  if (etag) headers.etag = etag;
  const lastModified = typeof route.lastModified === 'function' ? route.lastModified(index) : route.lastModified;
  if (lastModified) headers['last-modified'] = lastModified;
  if (route.gzip) headers['content-encoding'] = 'gzip';
  const ranges = route.ranges !== false;
  if (ranges) headers['accept-ranges'] = 'bytes';

  let start = 0;
  let end = body.length; // exclusive
  let status = 200;
  const range = ranges ? parseRange(req.headers.range) : undefined;
  if (range && ifRangeAllows(req.headers['if-range'] as string | undefined, etag, lastModified)) {
    if (range.start >= body.length) {
      response.status = 416;
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    start = range.start;
    end = Math.min(body.length, range.end ?? body.length);
    status = 206;
    headers['content-range'] = `bytes ${start}-${end - 1}/${body.length}`;
  }
  if (!route.noContentLength) headers['content-length'] = String(end - start);
  response.status = status;
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }

  const cutAt = route.cutAfterBytes !== undefined && index < (route.cutTimes ?? Infinity) ? route.cutAfterBytes : undefined;
  const stallAt =
    route.stallAfterBytes !== undefined && index < (route.stallTimes ?? Infinity) ? route.stallAfterBytes : undefined;
  let sent = 0;
  const sendMore = (): void => {
    // The client went away: nothing more is sent (nor counted in bytesSent).
    if (res.destroyed) return;
    while (start + sent < end) {
      if (cutAt !== undefined && sent >= cutAt) {
        res.socket?.destroy();
        return;
      }
      if (stallAt !== undefined && sent >= stallAt) return; // silent until the client gives up
      let size = Math.min(CHUNK, end - start - sent);
      if (cutAt !== undefined) size = Math.min(size, cutAt - sent);
      if (stallAt !== undefined) size = Math.min(size, stallAt - sent);
      if (route.rateBytesPerSec) size = Math.min(size, Math.max(1, Math.floor(route.rateBytesPerSec / 20)));
      const chunk = body.subarray(start + sent, start + sent + size);
      sent += size;
      response.bytesSent = sent;
      if (cutAt !== undefined && sent >= cutAt) {
        // Let the bytes reach the client first, so each cut response really delivers cutAt bytes.
        res.write(chunk, () => res.socket?.destroy());
        return;
      }
      const flushed = res.write(chunk);
      if (route.rateBytesPerSec) {
        const t = setTimeout(() => {
          timers.delete(t);
          sendMore();
        }, 50);
        timers.add(t);
        return;
      }
      if (!flushed) {
        res.once('drain', sendMore);
        return;
      }
    }
    if (cutAt !== undefined && sent >= cutAt) {
      res.socket?.destroy();
      return;
    }
    res.end();
  };
  sendMore();
}

function parseRange(header: string | undefined): { start: number; end?: number } | undefined {
  const m = header ? /^bytes=(\d+)-(\d*)$/.exec(header.trim()) : null;
  if (!m) return undefined;
  const start = Number(m[1]);
  return m[2] ? { start, end: Number(m[2]) + 1 } : { start };
}

/** If-Range: serve the range only if the validator names the current version (strong ETag or date). */
function ifRangeAllows(ifRange: string | undefined, etag: string | undefined, lastModified: string | undefined): boolean {
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return !!etag && !etag.startsWith('W/') && ifRange === etag;
  return !!lastModified && ifRange === lastModified;
}
