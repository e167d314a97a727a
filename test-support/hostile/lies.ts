// Servers that lie, served raw from the awkward test server's socket so nothing corrects them:
// none may end as a "completed" file with wrong bytes, and each must end (no endless loop). Each
// lie with 1 and with 16 connections; some lie per segment (a range answered with another range,
// validators that change between segments, a Repr-Digest for the whole representation).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from '../files';
import { startTestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import { downloadOnce, wrongBytes } from './engine-kit';
import type { HostileRow } from './report';
import { CONNECTION_COUNTS } from './settings';

/** 4 MiB: with 128 KiB ranges worth a connection (engine-kit), 16 connections really split it. */
const SIZE = 4 * 1024 * 1024;
/**
 * Bytes per second per connection for the 16-connection runs: on an unpaced loopback the whole
 * file arrives before the connection ramp opens a second connection.
 */
const PACED = 1024 * 1024;
let pace = 0;

/** Writes a response exactly as given (any Content-Length, any Content-Range), then closes. */
function raw(req: IncomingMessage, status: string, headers: Record<string, string | number>, body: Buffer): void {
  const head = [`HTTP/1.1 ${status}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''].join('\r\n');
  const socket = req.socket;
  socket.write(head);
  if (pace === 0) return void socket.end(body);
  const chunk = 64 * 1024;
  let at = 0;
  const next = (): void => {
    if (socket.destroyed) return;
    if (at >= body.length) return void socket.end();
    socket.write(body.subarray(at, at + chunk));
    at += chunk;
    setTimeout(next, (chunk / pace) * 1000);
  };
  next();
}

/** The asked range, `bytes=a-` or `bytes=a-b` (end inclusive, as in the header). */
function rangeOf(req: IncomingMessage, size = SIZE): { start: number; end: number } | undefined {
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  return m ? { start: Number(m[1]), end: m[2] ? Math.min(Number(m[2]), size - 1) : size - 1 } : undefined;
}
const rangeStart = (req: IncomingMessage) => rangeOf(req)?.start;

const digestOf = (b: Buffer) => `sha-256=:${createHash('sha256').update(b).digest('base64')}:`;

interface Lie {
  name: string;
  /** The true representation the outcome is compared with (the last version served, after `requests`). */
  truth: (v1: Buffer, v2: Buffer, requests: number) => Buffer;
  handler: (v1: Buffer, v2: Buffer) => (req: IncomingMessage, index: number) => void;
  /** May it end completed? (then it must be byte-identical to the truth) */
  mayComplete: boolean;
  /** Must it end completed (an honest server the lie detector must not refuse)? */
  mustComplete?: boolean;
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
      const r = rangeOf(req);
      const headers = { etag: '"a"', 'accept-ranges': 'bytes', 'repr-digest': digestOf(v1) };
      if (index === 0 || r === undefined) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, index === 0 ? v1.subarray(0, SIZE / 2) : v1);
      else raw(req, '206 Partial Content', { ...headers, 'content-range': `bytes ${r.start}-${r.end}/${SIZE}`, 'content-length': r.end - r.start + 1 }, v1.subarray(0, r.end - r.start + 1));
    },
  },
  {
    name: 'validators change between requests (new version in a 206)',
    truth: (_v1, v2) => v2,
    mayComplete: true,
    handler: (v1, v2) => (req, index) => {
      const r = rangeOf(req);
      if (index === 0) raw(req, '200 OK', { 'content-length': SIZE, etag: '"v1"', 'accept-ranges': 'bytes' }, v1.subarray(0, SIZE / 3));
      else if (r !== undefined) raw(req, '206 Partial Content', { 'content-range': `bytes ${r.start}-${r.end}/${SIZE}`, 'content-length': r.end - r.start + 1, etag: '"v2"' }, v2.subarray(r.start, r.end + 1));
      else raw(req, '200 OK', { 'content-length': SIZE, etag: '"v2"', 'accept-ranges': 'bytes' }, v2);
    },
  },
  {
    name: 'size changes between requests (206 with another total)',
    truth: (_v1, v2) => v2.subarray(0, SIZE - 4096),
    mayComplete: true,
    handler: (v1, v2) => (req, index) => {
      const small = v2.subarray(0, SIZE - 4096);
      const r = rangeOf(req, small.length);
      if (index === 0) raw(req, '200 OK', { 'content-length': SIZE, etag: '"a"', 'accept-ranges': 'bytes' }, v1.subarray(0, SIZE / 3));
      else if (r !== undefined && r.start < small.length) raw(req, '206 Partial Content', { 'content-range': `bytes ${r.start}-${r.end}/${small.length}`, 'content-length': r.end - r.start + 1, etag: '"a"' }, small.subarray(r.start, r.end + 1));
      else raw(req, '200 OK', { 'content-length': small.length, etag: '"a"', 'accept-ranges': 'bytes' }, small);
    },
  },
  {
    name: 'per segment: every other range answered 206 with another range (4 KiB later)',
    truth: (v1) => v1,
    mayComplete: true,
    handler: (v1) => (req, index) => {
      const r = rangeOf(req);
      const headers = { etag: '"a"', 'accept-ranges': 'bytes' };
      if (index === 0) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, v1.subarray(0, SIZE / 2));
      else if (r === undefined) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, v1);
      else {
        // True bytes for the range it names, which is not the one asked for.
        const shift = index % 2 === 1 && r.end + 4096 < SIZE ? 4096 : 0;
        const [a, b] = [r.start + shift, r.end + shift];
        raw(req, '206 Partial Content', { ...headers, 'content-range': `bytes ${a}-${b}/${SIZE}`, 'content-length': b - a + 1 }, v1.subarray(a, b + 1));
      }
    },
  },
  {
    name: 'per segment: validators change between segments (If-Range ignored from the 5th request)',
    // One connection may finish in fewer requests than that, all of the first version.
    truth: (v1, v2, requests) => (requests > 4 ? v2 : v1),
    mayComplete: true,
    handler: (v1, v2) => (req, index) => {
      const r = rangeOf(req);
      const [body, etag] = index < 4 ? [v1, '"v1"'] : [v2, '"v2"'];
      const headers = { etag, 'accept-ranges': 'bytes' };
      if (index === 0) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, v1.subarray(0, SIZE / 2));
      else if (r === undefined) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, body);
      else raw(req, '206 Partial Content', { ...headers, 'content-range': `bytes ${r.start}-${r.end}/${SIZE}`, 'content-length': r.end - r.start + 1 }, body.subarray(r.start, r.end + 1));
    },
  },
  {
    name: 'per segment: Repr-Digest of another representation on every range',
    truth: (v1) => v1,
    mayComplete: false,
    handler: (v1, v2) => honestRanges(v1, { 'repr-digest': digestOf(v2) }),
  },
  {
    name: 'per segment: Repr-Digest of the whole file on every range (must complete)',
    truth: (v1) => v1,
    mayComplete: true,
    mustComplete: true,
    handler: (v1) => honestRanges(v1, { 'repr-digest': digestOf(v1) }),
  },
];

/** An honest server of `body` (first response cut halfway, so one connection resumes too), plus `extra` headers. */
function honestRanges(body: Buffer, extra: Record<string, string>) {
  return (req: IncomingMessage, index: number): void => {
    const r = rangeOf(req);
    const headers = { etag: '"a"', 'accept-ranges': 'bytes', ...extra };
    if (index === 0) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, body.subarray(0, SIZE / 2));
    else if (r === undefined) raw(req, '200 OK', { ...headers, 'content-length': SIZE }, body);
    else raw(req, '206 Partial Content', { ...headers, 'content-range': `bytes ${r.start}-${r.end}/${SIZE}`, 'content-length': r.end - r.start + 1 }, body.subarray(r.start, r.end + 1));
  };
}

export async function lyingServers(ctx: LoopContext): Promise<HostileRow[]> {
  const server = await startTestServer();
  const rows: HostileRow[] = [];
  try {
    for (const connections of CONNECTION_COUNTS) for (const [i, lie] of LIES.entries()) {
      pace = connections > 1 ? PACED : 0;
      const v1 = randomBytes(SIZE, 100 + i);
      const v2 = randomBytes(SIZE, 200 + i);
      const handle = lie.handler(v1, v2);
      const route = `/lie${i}-${connections}`;
      server.route(route, (req, _res, index) => handle(req, index));
      const outcome = await downloadOnce(ctx.work, server.url(route), 45_000, connections);
      const truth = lie.truth(v1, v2, server.requestsFor(route).length);
      const state = outcome.view.state;
      // A failure keeps what the liar sent for inspection (the digest case): only a completion can lose.
      const lost = state === 'completed' ? await wrongBytes(outcome, truth) : 0;
      const ended = state === 'completed' || state === 'failed';
      const ok = ended && lost === 0 && (state !== 'completed' || lie.mayComplete) && (state === 'completed' || !lie.mustComplete);
      const asked = server.requestsFor(route);
      const requests = asked.length;
      const ranged = asked.filter((r) => r.headers.range !== undefined).length;
      rows.push({
        name: `lying server: ${lie.name}, ${connections} conn`,
        tried: requests,
        survived: ok ? 1 : 0,
        transfers: 1,
        bytesLost: lost,
        resent: null,
        note: `${state} after ${requests} requests (${ranged} ranged) in ${(outcome.ms / 1000).toFixed(1)} s${outcome.view.error ? `: ${outcome.view.error.message.slice(0, 90)}` : ''}`,
      });
    }
    return rows;
  } finally {
    await server.close();
  }
}
