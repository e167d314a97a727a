// Upload receivers for tests and benchmarks, on 127.0.0.1 with a random port.
//
//   const mp = await startMultipartReceiver();         // parses with busboy, stores files on disk
//   mp.url('/upload') ; mp.received -> [{ fields, files: [{ field, fileName, mimeType, path, size, sha256 }] }]
//   const tus = await startTusServer();                 // @tus/server + @tus/file-store under /files
//   const hung = await startTusServer({ hangFirstPatches: 1 }); // first PATCH: body read, never answered
//   const stuck = await startTusServer({ stallFirstPatches: 1 }); // first PATCH: body never read
//   tus.endpoint ; tus.bytesReceived() (all bytes read from sockets) ; tus.uploadedFiles() -> paths of uploads
//   tus.requests -> [{ method, url, headers }]
//   const raw = await startRawReceiver();               // stores each PUT/POST body
//   raw.setMode('store' | 'fail500' | 'hang' | 'see-other' | 'no-read'); raw.received -> [{ method, path, headers, size, sha256, path }]
//     store:     201 + Location: /stored/<name>
//     fail500:   reads the body, answers 500 with a body holding control characters
//     hang:      reads the whole body, never answers (until close)
//     see-other: reads the body, answers 303 + Location
//     no-read:   never reads the body (the client's send stalls once buffers fill)
//   await x.close();                                    // destroys open sockets, removes temp folders
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { Server as TusServer } from '@tus/server';
import { FileStore } from '@tus/file-store';

interface Listening {
  server: http.Server;
  port: number;
  sockets: Set<Socket>;
  /** Every socket ever accepted, kept for byte counts after it closed. */
  allSockets: Socket[];
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  const allSockets: Socket[] = [];
  server.on('connection', (socket) => {
    sockets.add(socket);
    allSockets.push(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets, allSockets };
}

async function closeAll(l: Listening): Promise<void> {
  for (const socket of l.sockets) socket.destroy();
  await new Promise<void>((resolve) => l.server.close(() => resolve()));
}

/** Writes a stream to a file and hashes it on the way. */
async function storeStream(source: NodeJS.ReadableStream, filePath: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(source, tap, createWriteStream(filePath));
  return { size, sha256: hash.digest('hex') };
}

// ---- multipart -------------------------------------------------------------------------

export interface ReceivedPart {
  field: string;
  fileName: string;
  mimeType: string;
  path: string;
  size: number;
  sha256: string;
}

export interface ReceivedForm {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  fields: Record<string, string>;
  files: ReceivedPart[];
}

export interface MultipartReceiver {
  port: number;
  url(p: string): string;
  dir: string;
  received: ReceivedForm[];
  close(): Promise<void>;
}

export async function startMultipartReceiver(): Promise<MultipartReceiver> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-multipart-'));
  const received: ReceivedForm[] = [];
  let counter = 0;
  const l = await listen((req, res) => {
    const form: ReceivedForm = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, fields: {}, files: [] };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers });
    } catch (err) {
      res.writeHead(400).end(`not multipart: ${(err as Error).message}`);
      return;
    }
    const pending: Promise<unknown>[] = [];
    parser.on('field', (name, value) => (form.fields[name] = value));
    parser.on('file', (field, stream, info) => {
      const target = path.join(dir, `${++counter}-${path.basename(info.filename || 'file')}`);
      pending.push(
        storeStream(stream, target).then(({ size, sha256 }) =>
          form.files.push({ field, fileName: info.filename ?? "", mimeType: info.mimeType, path: target, size, sha256 }),
        ),
      );
    });
    parser.on('close', () => {
      void Promise.all(pending).then(
        () => {
          received.push(form);
          const name = form.files[0]?.fileName ?? 'none';
          res.writeHead(201, { location: `/stored/${encodeURIComponent(name)}`, 'content-type': 'text/plain' }).end('stored');
        },
        (err) => res.writeHead(500).end(String(err)),
      );
    });
    parser.on('error', (err) => res.writeHead(400).end(`bad multipart: ${(err as Error).message}`));
    req.pipe(parser);
  });
  return {
    port: l.port,
    dir,
    url: (p) => `http://127.0.0.1:${l.port}${p}`,
    received,
    async close() {
      await closeAll(l);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---- tus -------------------------------------------------------------------------------

export interface TusTestServer {
  port: number;
  /** Creation endpoint, e.g. http://127.0.0.1:PORT/files/ */
  endpoint: string;
  dir: string;
  /** Bytes read from all client sockets (headers included): what actually crossed the wire. */
  bytesReceived(): number;
  /** PATCH requests seen, with the Upload-Offset each one started at. */
  patchOffsets: number[];
  /** Every request, with its headers (which credentials reached this server). */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  /** Paths of the upload data files in the store (one per upload). */
  uploadedFiles(): Promise<string[]>;
  close(): Promise<void>;
}

export interface TusServerOptions {
  /** The first N PATCH requests: read the whole body, then never answer (a hung server). */
  hangFirstPatches?: number;
  /** The first N PATCH requests: never read the body, never answer (the client's send stalls). */
  stallFirstPatches?: number;
  /** Every PATCH: read the body, answer 204 with the Upload-Offset it started at (a lying server). */
  neverAdvanceOffset?: boolean;
  /** Creation POSTs: the upload is made at once, its answer (with the URL) sent once this resolves. */
  holdCreationAnswer?: () => Promise<void>;
}

export async function startTusServer(options: TusServerOptions = {}): Promise<TusTestServer> {
  let patchesToHang = options.hangFirstPatches ?? 0;
  let patchesToStall = options.stallFirstPatches ?? 0;
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-tus-'));
  const tus = new TusServer({ path: '/files', datastore: new FileStore({ directory: dir }) });
  const patchOffsets: number[] = [];
  const requests: TusTestServer['requests'] = [];
  const l = await listen((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (req.method === 'PATCH') {
      patchOffsets.push(Number(req.headers['upload-offset']));
      if (patchesToStall > 0) {
        patchesToStall--;
        return;
      }
      if (patchesToHang > 0) {
        patchesToHang--;
        req.resume();
        return;
      }
      if (options.neverAdvanceOffset) {
        req.resume();
        req.once('end', () => {
          res.writeHead(204, { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(req.headers['upload-offset'] ?? 0) });
          res.end();
        });
        return;
      }
    }
    const hold = options.holdCreationAnswer;
    if (req.method === 'POST' && hold) {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        void hold().catch(() => undefined).then(() => end(...args));
        return res;
      }) as typeof res.end;
    }
    void tus.handle(req, res);
  });
  return {
    port: l.port,
    endpoint: `http://127.0.0.1:${l.port}/files/`,
    dir,
    bytesReceived: () => l.allSockets.reduce((sum, s) => sum + s.bytesRead, 0),
    patchOffsets,
    requests,
    async uploadedFiles() {
      const names = await readdir(dir);
      return names.filter((n) => !n.endsWith('.json')).map((n) => path.join(dir, n));
    },
    async close() {
      await closeAll(l);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---- raw -------------------------------------------------------------------------------

export type RawMode = 'store' | 'fail500' | 'hang' | 'see-other' | 'no-read';

export interface ReceivedBody {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  file: string;
  size: number;
  sha256: string;
}

export interface RawReceiver {
  port: number;
  url(p: string): string;
  dir: string;
  setMode(mode: RawMode): void;
  received: ReceivedBody[];
  /** Requests that arrived (before their body was read), by path. */
  requestCount(): number;
  /** Body bytes read from all requests so far (also unfinished ones). */
  bodyBytesRead(): number;
  close(): Promise<void>;
}

export const FAIL500_BODY = 'Internal\u0000 error\r\n\u001b[31mdisk quota\u0007 exceeded' + ' padding'.repeat(60);

export async function startRawReceiver(initialMode: RawMode = 'store'): Promise<RawReceiver> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-raw-'));
  let mode = initialMode;
  const received: ReceivedBody[] = [];
  let requests = 0;
  let bodyBytes = 0;
  const l = await listen((req, res) => {
    requests++;
    const current = mode;
    if (current === 'no-read') return; // never read, never answer
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    const name = path.basename(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)) || 'body';
    const file = path.join(dir, `${requests}-${name}`);
    storeStream(req, file).then(
      ({ size, sha256 }) => {
        received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, file, size, sha256 });
        if (current === 'hang') return;
        if (current === 'fail500') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(FAIL500_BODY);
        } else if (current === 'see-other') {
          res.writeHead(303, { location: `/see/${encodeURIComponent(name)}` }).end();
        } else {
          res.writeHead(201, { location: `/stored/${encodeURIComponent(name)}` }).end('created');
        }
      },
      () => res.destroy(),
    );
  });
  return {
    port: l.port,
    dir,
    url: (p) => `http://127.0.0.1:${l.port}${p}`,
    setMode: (m) => (mode = m),
    received,
    requestCount: () => requests,
    bodyBytesRead: () => bodyBytes,
    async close() {
      await closeAll(l);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
