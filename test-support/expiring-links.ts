// A server of signed links that expire, as CDNs and file hosts hand out: one file, reachable only
// under `/file?token=T` while T is valid; an expired or unknown token gets 403. Each token has
// its own strong ETag (a signed link's ETag usually changes with the signature), so If-Range from
// one link never matches another: only the bytes prove it is the same file. Ranges honoured.
//
//   const links = await startExpiringLinks(bytes, { rateBytesPerSec: 1 << 20 });
//   const first = links.issue();          // http://127.0.0.1:PORT/file?token=t1
//   links.expire(first);                  // from now on 403
//   links.bodyBytesSent()                 // body bytes sent so far, over every link
//   await links.close();
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ExpiringLinks {
  /** A new valid link to the file. */
  issue(): string;
  /** The link answers 403 from now on (requests under way go on, as on a real CDN). */
  expire(url: string): void;
  /** Body bytes sent so far, every link together. */
  bodyBytesSent(): number;
  /** Each request: its token, status, Range and Cookie headers. */
  requests: { token: string; status: number; range: string | undefined; cookie: string | undefined }[];
  close(): Promise<void>;
}

export interface ExpiringLinkOptions {
  /** Per response, in bytes per second (sent in 16 KiB pieces); absent: as fast as possible. */
  rateBytesPerSec?: number;
}

export async function startExpiringLinks(body: Buffer, options: ExpiringLinkOptions = {}): Promise<ExpiringLinks> {
  const valid = new Set<string>();
  let issued = 0;
  let sent = 0;
  const requests: ExpiringLinks['requests'] = [];
  const sockets = new Set<Socket>();
  const etagOf = (token: string): string => `"${createHash('sha256').update(token).update(body.subarray(0, 64)).digest('hex').slice(0, 16)}"`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('token') ?? '';
    const range = req.headers.range;
    const answer = (status: number): void => {
      requests.push({ token, status, range, cookie: req.headers.cookie });
    };
    if (url.pathname !== '/file' || !valid.has(token)) {
      answer(403);
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Request has expired');
      return;
    }
    const etag = etagOf(token);
    let start = 0;
    let end = body.length - 1;
    let status = 200;
    const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    const ifRange = req.headers['if-range'];
    if (m && (ifRange === undefined || ifRange === etag)) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      if (start >= body.length) {
        answer(416);
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
    }
    answer(status);
    const headers: http.OutgoingHttpHeaders = { etag, 'accept-ranges': 'bytes', 'content-length': end - start + 1, 'content-type': 'application/octet-stream' };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') return void res.end();
    void send(res, body.subarray(start, end + 1));
  });

  async function send(res: http.ServerResponse, bytes: Buffer): Promise<void> {
    const piece = 16 * 1024;
    const pause = options.rateBytesPerSec ? (piece / options.rateBytesPerSec) * 1000 : 0;
    for (let at = 0; at < bytes.length && !res.destroyed; at += piece) {
      const chunk = bytes.subarray(at, at + piece);
      sent += chunk.length;
      const drained = res.write(chunk);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      else if (!drained) await new Promise((r) => res.once('drain', r));
    }
    // A response cut by the client counts what was written, which is what was sent (near enough:
    // the socket's buffer is at most one piece).
    if (!res.destroyed) res.end();
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    issue() {
      const token = `t${++issued}x${Math.random().toString(36).slice(2, 8)}`;
      valid.add(token);
      return `http://127.0.0.1:${port}/file?token=${token}`;
    },
    expire(url) {
      valid.delete(new URL(url).searchParams.get('token') ?? '');
    },
    bodyBytesSent: () => sent,
    requests,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
