// Issue 18 item 17: every finished download records its file's SHA-256, computed while it was
// written: hashed on the way to the disk over one connection from byte 0; over several connections,
// which write out of order, hashed in order as the durable prefix grows (prefix-hasher.ts).
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';
import { PrefixHasher } from './prefix-hasher';

let server: TestServer;
let tmp: string;
let dir: string;
let engine: TransferEngine;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-sha-');
  dir = path.join(tmp, 'downloads');
  await mkdir(dir);
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 256 * 1024, connections: 4 }) },
    settings: { stallTimeoutMs: 3000, retryBaseMs: 50, retryMaxMs: 300 },
  });
});
afterEach(async () => {
  await engine.close();
  await removeDir(tmp);
});

async function finished(url: string) {
  const added = await engine.addDownload({ url, directory: dir });
  const [done] = await engine.waitUntilFinished([added.id]);
  return done!;
}

describe("a finished download's SHA-256", () => {
  it('is recorded for a download over one connection', async () => {
    const bytes = randomBytes(300_000, 31);
    server.route('/one.bin', { body: bytes, ranges: false });
    const done = await finished(server.url('/one.bin'));
    expect(done.state).toBe('completed');
    expect(done.download!.fileSha256).toBe(sha256(bytes));
  });

  it('is recorded for a segmented download written out of order', async () => {
    const bytes = randomBytes(4 << 20, 32);
    server.route('/many.bin', { body: bytes, rateBytesPerSec: 2_000_000 });
    const done = await finished(server.url('/many.bin'));
    expect(server.peakOpenFor('/many.bin')).toBeGreaterThanOrEqual(2);
    expect(done.download!.fileSha256).toBe(sha256(bytes));
    expect(sha256(await readFile(done.download!.filePath!))).toBe(sha256(bytes));
  });

  it('is recorded for a single-connection download big enough for the hashing thread, and after a resume', async () => {
    const bytes = randomBytes(12 << 20, 34);
    server.route('/big-one.bin', { body: bytes, ranges: true, rateBytesPerSec: 6_000_000 });
    const added = await engine.addDownload({ url: server.url('/big-one.bin'), directory: dir, connections: 1 });
    // Paused halfway and resumed: the second attempt starts at an offset, its start hashed from the file.
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        if ((engine.get(added.id)?.progress.bytesDone ?? 0) > 4 << 20) (clearInterval(tick), resolve());
      }, 20);
    });
    await engine.pause(added.id);
    await engine.resume(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done!.state).toBe('completed');
    expect(server.requestsFor('/big-one.bin').some((r) => /^bytes=[1-9]/.test(String(r.headers.range)))).toBe(true);
    expect(done!.download!.fileSha256).toBe(sha256(bytes));
  });

  it('the prefix hasher hashes in order as the prefix grows, and waits for bytes not yet there', async () => {
    const bytes = randomBytes(3 << 20, 33);
    const file = path.join(tmp, 'part');
    const handle = await open(file, 'w+');
    try {
      // The tail is written first, as a second connection would.
      await handle.write(bytes, 2 << 20, 1 << 20, 2 << 20);
      const hasher = new PrefixHasher(handle);
      await handle.write(bytes, 0, 1 << 20, 0);
      hasher.advanceTo(1 << 20);
      await handle.write(bytes, 1 << 20, 1 << 20, 1 << 20);
      hasher.advanceTo(2 << 20);
      expect(await hasher.digest(3 << 20)).toBe(sha256(bytes));
      expect(hasher.bytesReadBack).toBe(3 << 20);
    } finally {
      await handle.close();
      await rm(file);
    }
  });
});

describe('with fileSha256 off (a standalone `ferry get`, which never shows it)', () => {
  let plain: TransferEngine;
  beforeEach(async () => {
    plain = await TransferEngine.open({
      dataDir: path.join(tmp, 'plain-data'),
      workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 256 * 1024, connections: 4, fileSha256: false }) },
      settings: { stallTimeoutMs: 3000, retryBaseMs: 50, retryMaxMs: 300 },
    });
  });
  afterEach(async () => {
    await plain.close();
  });

  async function plainFinished(url: string, more: { connections?: number; sha256?: string } = {}) {
    const added = await plain.addDownload({ url, directory: dir, ...more });
    const [done] = await plain.waitUntilFinished([added.id]);
    return done!;
  }

  it('records no SHA-256 over one connection or several, and the files are whole', async () => {
    const one = randomBytes(12 << 20, 35);
    server.route('/plain-one.bin', { body: one, ranges: true });
    const single = await plainFinished(server.url('/plain-one.bin'), { connections: 1 });
    expect(single.state).toBe('completed');
    expect(single.download!.fileSha256).toBeUndefined();
    expect(sha256(await readFile(single.download!.filePath!))).toBe(sha256(one));

    const many = randomBytes(4 << 20, 36);
    server.route('/plain-many.bin', { body: many, rateBytesPerSec: 2_000_000 });
    const segmented = await plainFinished(server.url('/plain-many.bin'));
    expect(server.peakOpenFor('/plain-many.bin')).toBeGreaterThanOrEqual(2);
    expect(segmented.state).toBe('completed');
    expect(segmented.download!.fileSha256).toBeUndefined();
    expect(sha256(await readFile(segmented.download!.filePath!))).toBe(sha256(many));
  });

  it('still checks a SHA-256 the user gave, over one connection or several', async () => {
    const bytes = randomBytes(4 << 20, 37);
    server.route('/plain-check.bin', { body: bytes, rateBytesPerSec: 4_000_000 });
    const wrong = await plainFinished(server.url('/plain-check.bin'), { sha256: '0'.repeat(64) });
    expect(wrong.state).toBe('failed');
    expect(wrong.error?.code).toBe('CHECKSUM_MISMATCH');
    const right = await plainFinished(server.url('/plain-check.bin'), { connections: 1, sha256: sha256(bytes) });
    expect(right.state).toBe('completed');
    expect(right.download!.fileSha256).toBe(sha256(bytes));
  });
});
