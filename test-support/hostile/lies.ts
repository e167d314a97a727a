// Servers that lie, served raw from the awkward test server's socket so nothing corrects them:
// none may end as a "completed" file with wrong bytes, and each must end (no endless loop).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from '../files';
import { startTestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import { downloadOnce, wrongBytes } from './engine-kit';
import type { HostileRow } from './report';

const SIZE = 512 * 1024;

/** Writes a response exactly as given (any Content-Length, any Content-Range), then closes. */
function raw(req: IncomingMessage, status: string, headers: Record<string, string | number>, body: Buffer): void {
  const head = [`HTTP/1.1 ${status}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''].join('\r\n');
  req.socket.write(head);
  req.socket.end(body);
}

function rangeStart(req: IncomingMessage): number | undefined {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  return m ? Number(m[1]) : undefined;
}

const digestOf = (b: Buffer) => `sha-256=:${createHash('sha256').update(b).digest('base64')}:`;

interface Lie {
  name: string;
  /** The true representation the outcome is compared with (the last version served). */
  truth: (v1: Buffer, v2: Buffer) => Buffer;
  handler: (v1: Buffer, v2: Buffer) => (req: IncomingMessage, index: number) => void;
  /** May it end completed? (then it must be byte-identical to the truth) */
  mayComplete: boolean;
}

const LIES: Lie[] = [
  {
    name: 'Content-Length larger than the body',
    truth: (v1) => v1,
    mayComplete: false,
    handler: (v1) => (req) => raw(req, '200 OK', { 'content-length': SIZE + 1000, etag: '"a"', 'accept-ranges': 'bytes' }, v1),
  },
  {
    name: 'Content-Length smaller than the body (Repr-Digest given)',
    truth: (v1) => v1,
    mayComplete: false,
    handler: (v1) => (req) => raw(req, '200 OK', { 'content-length': SIZE - 1000, etag: '"a"', 'repr-digest': digestOf(v1) }, v1),
  },
  {
    name: 'Content-Range not matching the requested range',
    truth: (v1) => v1,
    mayComplete: true,
    handler: (v1) => (req, index) => {
      const start = rangeStart(req);
      if (index === 0 || start === undefined) {
        raw(req, '200 OK', { 'content-length': SIZE, etag: '"a"', 'accept-ranges': 'bytes' }, index === 0 ? v1.subarray(0, SIZE / 2) : v1);
      } else raw(req, '206 Partial Content', { 'content-range': `bytes 0-${SIZE - 1}/${SIZE}`, 'content-length': SIZE, etag: '"a"' }, v1);
    },
  },
  {
    name: '206 claiming the asked range, other bytes (Repr-Digest given)',
    truth: (v1) => v1,
    mayComplete: false,
    handler: (v1) => (req, index) => {
      const start = rangeStart(req);
      const headers = { etag: '"a"', 'accept-ranges': 'bytes', 'repr-digest': digestOf(v1) };
      if (index === 0 || start === undefined) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, index === 0 ? v1.subarray(0, SIZE / 2) : v1);
      else raw(req, '206 Partial Content', { ...headers, 'content-range': `bytes ${start}-${SIZE - 1}/${SIZE}`, 'content-length': SIZE - start }, v1.subarray(0, SIZE - start));
    },
  },
  {
    name: 'validators change between requests (new version in a 206)',
    truth: (_v1, v2) => v2,
    mayComplete: true,
    handler: (v1, v2) => (req, index) => {
      const start = rangeStart(req);
      if (index === 0) raw(req, '200 OK', { 'content-length': SIZE, etag: '"v1"', 'accept-ranges': 'bytes' }, v1.subarray(0, SIZE / 3));
      else if (start !== undefined) raw(req, '206 Partial Content', { 'content-range': `bytes ${start}-${SIZE - 1}/${SIZE}`, 'content-length': SIZE - start, etag: '"v2"' }, v2.subarray(start));
      else raw(req, '200 OK', { 'content-length': SIZE, etag: '"v2"', 'accept-ranges': 'bytes' }, v2);
    },
  },
  {
    name: 'size changes between requests (206 with another total)',
    truth: (_v1, v2) => v2.subarray(0, SIZE - 4096),
    mayComplete: true,
    handler: (v1, v2) => (req, index) => {
      const start = rangeStart(req);
      const small = v2.subarray(0, SIZE - 4096);
      if (index === 0) raw(req, '200 OK', { 'content-length': SIZE, etag: '"a"', 'accept-ranges': 'bytes' }, v1.subarray(0, SIZE / 3));
      else if (start !== undefined) raw(req, '206 Partial Content', { 'content-range': `bytes ${start}-${small.length - 1}/${small.length}`, 'content-length': small.length - start, etag: '"a"' }, small.subarray(start));
      else raw(req, '200 OK', { 'content-length': small.length, etag: '"a"', 'accept-ranges': 'bytes' }, small);
    },
  },
];

export async function lyingServers(ctx: LoopContext): Promise<HostileRow[]> {
  const server = await startTestServer();
  const rows: HostileRow[] = [];
  try {
    for (const [i, lie] of LIES.entries()) {
      const v1 = randomBytes(SIZE, 100 + i);
      const v2 = randomBytes(SIZE, 200 + i);
      const handle = lie.handler(v1, v2);
      server.route(`/lie${i}`, (req, _res, index) => handle(req, index));
      const outcome = await downloadOnce(ctx.work, server.url(`/lie${i}`), 45_000);
      const truth = lie.truth(v1, v2);
      const state = outcome.view.state;
      // A failure keeps what the liar sent for inspection (the digest case): only a completion can lose.
      const lost = state === 'completed' ? await wrongBytes(outcome, truth) : 0;
      const ended = state === 'completed' || state === 'failed';
      const ok = ended && lost === 0 && (state !== 'completed' || lie.mayComplete);
      const requests = server.requestsFor(`/lie${i}`).length;
      rows.push({
        name: `lying server: ${lie.name}`,
        tried: requests,
        survived: ok ? 1 : 0,
        transfers: 1,
        bytesLost: lost,
        resent: null,
        note: `${state} after ${requests} requests in ${(outcome.ms / 1000).toFixed(1)} s${outcome.view.error ? `: ${outcome.view.error.message.slice(0, 90)}` : ''}`,
      });
    }
    return rows;
  } finally {
    await server.close();
  }
}
