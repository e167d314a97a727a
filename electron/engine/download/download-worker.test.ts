// The download worker on its own, driven by a small AttemptContext, for cases the engine cannot
// stage easily: a .part that is already complete (416), a wrong 206, the durability invariant at
// every checkpoint, disk full, weak validators.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { mergeCheckpoint, newDownloadRecord } from '../records';
import { TransferFailure, type AttemptContext, type DownloadResumeData, type TransferRecord } from '../types';
import { until } from '../../../test-support/wait';
import { createDownloadWorker } from './download-worker';

let server: TestServer;
let tmp: string;
let n = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(async () => {
  tmp = await makeTempDir('ferry-worker-');
});
afterEach(() => removeDir(tmp));

interface Harness {
  record: TransferRecord;
  ctx: AttemptContext;
  controller: AbortController;
  checkpoints: { done: number; partSize: number | undefined }[];
  resume(): DownloadResumeData;
}

/** A minimal engine stand-in: merges checkpoints into the record and notes the .part size each time. */
function harness(url: string, extra: { sha256?: string; directory?: string; headers?: Record<string, string> } = {}): Harness {
  const record = newDownloadRecord({ url, directory: extra.directory ?? tmp, ...(extra.sha256 ? { sha256: extra.sha256 } : {}), ...(extra.headers ? { headers: extra.headers } : {}) }, 0, Date.now());
  const controller = new AbortController();
  const checkpoints: Harness['checkpoints'] = [];
  const ctx: AttemptContext = {
    record,
    signal: controller.signal,
    stallTimeoutMs: 1500,
    throttle: async () => undefined,
    progress: () => undefined,
    checkpoint: async (patch) => {
      mergeCheckpoint(record, patch);
      const resume = record.resume as DownloadResumeData;
      const partSize = resume.partPath ? await stat(resume.partPath).then((s) => s.size, () => undefined) : undefined;
      checkpoints.push({ done: resume.segments[0]?.done ?? 0, partSize });
    },
    log: () => undefined,
  };
  return { record, ctx, controller, checkpoints, resume: () => record.resume as DownloadResumeData };
}

function route(name: string): string {
  return `/w${++n}/${name}`;
}

async function expectFailure(p: Promise<unknown>): Promise<TransferFailure['error']> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransferFailure);
  return (err as TransferFailure).error;
}

describe('download worker', () => {
  it('never records an offset the .part file does not hold; abort stops with the true offset', async () => {
    // 4 s of body at 2 MB/s on one connection: the abort comes mid-body however slowly the first checkpoints arrive.
    const bytes = randomBytes(8_000_000, 31);
    const p = route('slow.bin');
    server.route(p, { body: bytes, rateBytesPerSec: 2_000_000 });
    const h = harness(server.url(p));
    const worker = createDownloadWorker({ checkpointIntervalMs: 100, connections: 1 });
    const attempt = worker.attempt(h.ctx);
    await until(() => h.checkpoints.length >= 3, 'three checkpoints');
    h.controller.abort();
    expect(await attempt).toEqual({ outcome: 'aborted' });
    expect(h.checkpoints.length).toBeGreaterThan(2);
    for (const c of h.checkpoints) expect(c.partSize ?? 0).toBeGreaterThanOrEqual(c.done);
    const last = h.checkpoints.at(-1)!;
    expect(last.done).toBeGreaterThan(0);
    expect(last.done).toBe(last.partSize);
    const part = await readFile(h.resume().partPath!);
    expect(part.equals(bytes.subarray(0, last.done))).toBe(true);
    expect(h.resume()).toMatchObject({ totalBytes: bytes.length, etag: `"${sha256(bytes).slice(0, 16)}"` });
  });

  it('a 416 for a .part that already holds the whole file finishes without downloading again', async () => {
    const bytes = randomBytes(100_000, 32);
    const p = route('done.bin');
    server.route(p, { body: bytes });
    const h = harness(server.url(p), { sha256: sha256(bytes) });
    // As a crash right after the last fsync (but before the rename) would leave it.
    await writeFile(path.join(tmp, 'done.bin.part'), bytes);
    mergeCheckpoint(h.record, {
      resume: {
        partPath: path.join(tmp, 'done.bin.part'),
        segments: [{ start: 0, end: bytes.length, done: bytes.length }],
        totalBytes: bytes.length,
        etag: `"${sha256(bytes).slice(0, 16)}"`,
      },
      transfer: { download: { ...h.record.transfer.download!, fileName: 'done.bin' } },
    });
    const worker = createDownloadWorker();
    const before = server.requestsFor(p).length;
    const result = await worker.attempt(h.ctx);
    expect(result.outcome).toBe('completed');
    expect(server.requestsFor(p)[before]!.headers.range).toBe(`bytes=${bytes.length}-`);
    expect(server.responsesFor(p)[before]!.status).toBe(416);
    expect(server.requestsFor(p).length).toBe(before + 1);
    expect(await readdir(tmp)).toEqual(['done.bin']);
    expect(sha256(await readFile(path.join(tmp, 'done.bin')))).toBe(sha256(bytes));
  });

  it('a 416 that does not prove completion starts over from byte 0', async () => {
    const bytes = randomBytes(50_000, 33);
    const p = route('shrunk.bin');
    server.route(p, { body: bytes });
    const h = harness(server.url(p));
    const partPath = path.join(tmp, 'shrunk.bin.part');
    await writeFile(partPath, randomBytes(60_000, 34));
    mergeCheckpoint(h.record, {
      // Same version as far as the ETag goes, but the server now says it has fewer bytes than we hold.
      resume: { partPath, segments: [{ start: 0, end: 60_000, done: 60_000 }], totalBytes: null, etag: `"${sha256(bytes).slice(0, 16)}"` },
      transfer: { download: { ...h.record.transfer.download!, fileName: 'shrunk.bin' } },
    });
    const result = await createDownloadWorker().attempt(h.ctx);
    expect(result.outcome).toBe('completed');
    expect(server.responsesFor(p).map((r) => r.status)).toEqual([416, 200]);
    expect(server.requestsFor(p)[1]!.headers.range).toBeUndefined();
    expect((await readFile(path.join(tmp, 'shrunk.bin'))).equals(bytes)).toBe(true);
  });

  it('refuses a 206 for a range we did not ask for, and forgets the .part so nothing is spliced', async () => {
    const bytes = randomBytes(40_000, 35);
    const p = route('liar.bin');
    server.route(p, (req, res) => {
      // Claims to continue but sends the file from byte 0.
      res.writeHead(206, { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`, etag: '"v"', 'content-length': bytes.length });
      res.end(bytes);
    });
    const h = harness(server.url(p));
    const partPath = path.join(tmp, 'liar.bin.part');
    await writeFile(partPath, bytes.subarray(0, 10_000));
    mergeCheckpoint(h.record, {
      resume: { partPath, segments: [{ start: 0, end: bytes.length, done: 10_000 }], totalBytes: bytes.length, etag: '"v"' },
    });
    const error = await expectFailure(createDownloadWorker().attempt(h.ctx));
    expect(error).toMatchObject({ code: 'RESPONSE_MISMATCH', retryable: true });
    expect(error.message).toMatch(/from 0, but we asked from 10000/);
    expect(h.resume().segments[0]!.done).toBe(0);
    expect((await stat(partPath)).size).toBe(0);
  });

  it('without a strong validator it never resumes by size alone; Last-Modified alone is used for If-Range', async () => {
    const bytes = randomBytes(300_000, 36);
    const weak = route('weak.bin');
    server.route(weak, { body: bytes, weakEtag: true, cutAfterBytes: 100_000, cutTimes: 1 });
    const h1 = harness(server.url(weak));
    const worker = createDownloadWorker();
    expect((await expectFailure(worker.attempt(h1.ctx))).code).toBe('NETWORK');
    expect(await worker.attempt(h1.ctx)).toMatchObject({ outcome: 'completed' });
    expect(server.requestsFor(weak)[1]!.headers.range).toBeUndefined();
    expect((await readFile(path.join(tmp, 'weak.bin'))).equals(bytes)).toBe(true);

    const dated = route('dated.bin');
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT';
    server.route(dated, { body: bytes, etag: false, lastModified, cutAfterBytes: 100_000, cutTimes: 1 });
    const h2 = harness(server.url(dated));
    await expectFailure(worker.attempt(h2.ctx));
    expect(await worker.attempt(h2.ctx)).toMatchObject({ outcome: 'completed' });
    expect(server.requestsFor(dated)[1]!.headers['if-range']).toBe(lastModified);
    expect(server.requestsFor(dated)[1]!.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect((await readFile(path.join(tmp, 'dated.bin'))).equals(bytes)).toBe(true);
  });

  it('reports file system problems as FILE_SYSTEM and other schemes as UNSUPPORTED_URL, without retry', async () => {
    const p = route('nowhere.bin');
    server.route(p, { body: 'x' });
    // A missing folder is created (ensure-folder.test.ts); a file where a folder must be is not.
    await writeFile(path.join(tmp, 'blocker'), '');
    const fsError = await expectFailure(createDownloadWorker().attempt(harness(server.url(p), { directory: path.join(tmp, 'blocker', 'sub') }).ctx));
    expect(fsError).toMatchObject({ code: 'FILE_SYSTEM', retryable: false });
    expect(fsError.message).toContain(path.join(tmp, 'blocker'));
    const scheme = harness(server.url(p));
    (scheme.record.request as { download: { url: string } }).download.url = 'file:///etc/passwd';
    expect(await expectFailure(createDownloadWorker().attempt(scheme.ctx))).toMatchObject({ code: 'UNSUPPORTED_URL', retryable: false });
  });

  it('sends the user\'s headers but never lets them choose the range or the encoding', async () => {
    const bytes = randomBytes(20_000, 38);
    const p = route('headers.bin');
    server.route(p, { body: bytes });
    const h = harness(server.url(p), { headers: { Authorization: 'Bearer t', Range: 'bytes=5-', 'Accept-Encoding': 'gzip' } });
    expect(await createDownloadWorker().attempt(h.ctx)).toMatchObject({ outcome: 'completed' });
    const sent = server.requestsFor(p)[0]!.headers;
    expect(sent.authorization).toBe('Bearer t');
    expect(sent.range).toBeUndefined();
    expect(sent['accept-encoding']).toBe('identity');
    expect((await readFile(path.join(tmp, 'headers.bin'))).equals(bytes)).toBe(true);
  });

  it('reports connection refused as a retryable NETWORK failure', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise((r) => closed.close(r));
    const error = await expectFailure(createDownloadWorker().attempt(harness(`http://127.0.0.1:${port}/x`).ctx));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a server that never answers is a retryable STALLED failure within the stall timeout', async () => {
    const p = route('silent.bin');
    server.route(p, () => undefined); // accepts the request, never answers
    const started = Date.now();
    const error = await expectFailure(createDownloadWorker().attempt(harness(server.url(p)).ctx));
    expect(error).toMatchObject({ code: 'STALLED', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  const canMount = (() => {
    try {
      execFileSync('sh', ['-c', 'command -v mount && [ "$(id -u)" = 0 ]'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!canMount)('a full disk fails with DISK_FULL, not retried, and keeps the .part', async () => {
    const small = path.join(tmp, 'small-fs');
    await mkdir(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small]);
    } catch {
      return; // no permission to mount here: nothing to test
    }
    try {
      const p = route('huge.bin');
      server.route(p, { body: randomBytes(1_000_000, 37) });
      const h = harness(server.url(p), { directory: small });
      const error = await expectFailure(createDownloadWorker().attempt(h.ctx));
      expect(error).toMatchObject({ code: 'DISK_FULL', retryable: false });
      expect(error.message).toMatch(/Disk full/);
      expect(await readdir(small)).toEqual(['huge.bin.part']);
      expect(h.resume().partPath).toBe(path.join(small, 'huge.bin.part'));
    } finally {
      execFileSync('umount', ['-l', small]);
    }
  });
});
