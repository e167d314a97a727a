// The real download worker driven by the real engine against awkward servers on 127.0.0.1:
// the project's own test server and Debian's nginx. Every test checks bytes on disk.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDownloadFixture } from '../../../test-support/download-test-kit';
import { randomBytes, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { startNginx, type NginxServer } from '../../../test-support/nginx';
import { until } from '../../../test-support/wait';

let server: TestServer;
let nginx: NginxServer;
let routeCounter = 0;
const fx = useDownloadFixture('ferry-dl-', { worker: { checkpointIntervalMs: 200 }, settings: { stallTimeoutMs: 1500, retryBaseMs: 50, retryMaxMs: 300 } });
const { download } = fx;

/** A unique path per test so request logs never mix. */
function uniquePath(name: string): string {
  return `/t${++routeCounter}/${name}`;
}

beforeAll(async () => {
  server = await startTestServer();
  nginx = await startNginx();
});
afterAll(async () => {
  await server.close();
  await nginx.stop();
});

describe('download worker through the engine', () => {
  it('downloads byte-identical files from the test server and from nginx', async () => {
    const bytes = randomBytes(3_000_000, 11);
    const p = uniquePath('plain.bin');
    server.route(p, { body: bytes });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect(view.download?.filePath).toBe(path.join(fx.dir, 'plain.bin'));
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
    expect(view.progress.bytesDone).toBe(bytes.length);
    expect(server.requestsFor(p)[0]!.headers['accept-encoding']).toBe('identity');

    await writeFile(path.join(nginx.root, 'n.bin'), bytes);
    const fromNginx = await download({ url: `${nginx.baseUrl}/n.bin`, sha256: sha256(bytes) });
    expect(fromNginx.state).toBe('completed');
    expect(sha256(await readFile(fromNginx.download!.filePath!))).toBe(sha256(bytes));
    expect(await readdir(fx.dir)).toEqual(['n.bin', 'plain.bin']);
  });

  it('pause keeps the .part; resume sends Range + If-Range and ends byte-identical', async () => {
    const bytes = randomBytes(1_500_000, 12);
    const p = uniquePath('slow.bin');
    server.route(p, { body: bytes, rateBytesPerSec: 1_000_000 });
    const view = await fx.engine.addDownload({ directory: fx.dir, url: server.url(p) });
    await until(() => (fx.engine.get(view.id)?.progress.bytesDone ?? 0) > 300_000, '300 kB downloaded');
    await fx.engine.pause(view.id);
    expect(fx.engine.get(view.id)?.state).toBe('paused');
    const files = await readdir(fx.dir);
    expect(files).toEqual(['slow.bin.part']);
    const partSize = (await readFile(path.join(fx.dir, 'slow.bin.part'))).length;
    expect(partSize).toBeGreaterThan(0);
    // The .part holds exactly the first bytes of the file: nothing garbled, nothing unrecorded.
    expect((await readFile(path.join(fx.dir, 'slow.bin.part'))).equals(bytes.subarray(0, partSize))).toBe(true);

    server.route(p, { body: bytes }); // full speed now
    await fx.engine.resume(view.id);
    const [done] = await fx.engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    const second = server.requestsFor(p)[1]!;
    expect(second.headers.range).toBe(`bytes=${partSize}-`);
    expect(done!.validators?.etag).toMatch(/^"/);
    expect(second.headers['if-range']).toBe(done!.validators?.etag);
    expect(server.responsesFor(p)[1]!.status).toBe(206);
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(bytes));
  });

  it('pause and resume against nginx (limit_rate) ends byte-identical', async () => {
    const slow = await startNginx({ limitRate: '800k' });
    try {
      const bytes = randomBytes(1_200_000, 13);
      await writeFile(path.join(slow.root, 'big.bin'), bytes);
      const view = await fx.engine.addDownload({ directory: fx.dir, url: `${slow.baseUrl}/big.bin` });
      await until(() => (fx.engine.get(view.id)?.progress.bytesDone ?? 0) > 200_000, '200 kB downloaded');
      await fx.engine.pause(view.id);
      const partSize = (await readFile(path.join(fx.dir, 'big.bin.part'))).length;
      expect(partSize).toBeGreaterThan(0);
      await fx.engine.resume(view.id);
      const [done] = await fx.engine.waitUntilFinished([view.id]);
      expect(done!.state).toBe('completed');
      expect(done!.validators?.etag).toMatch(/^"/);
      expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(bytes));
    } finally {
      await slow.stop();
    }
  });

  it('a file changed on the server between attempts restarts from byte 0 (no splice)', async () => {
    const v1 = randomBytes(600_000, 14);
    const v2 = randomBytes(650_000, 15);
    const p = uniquePath('changing.bin');
    server.route(p, { body: (n) => (n === 0 ? v1 : v2), cutAfterBytes: 200_000, cutTimes: 1 });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    const [first, second] = server.requestsFor(p);
    expect(first!.headers.range).toBeUndefined();
    expect(second!.headers.range).toMatch(/^bytes=\d+-$/);
    expect(second!.headers['if-range']).toBe(`"${sha256(v1).slice(0, 16)}"`);
    expect(server.responsesFor(p)[1]!.status).toBe(200);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(v2));
  });

  it('nginx: a file replaced while paused is downloaded again from byte 0', async () => {
    const slow = await startNginx({ limitRate: '600k' });
    try {
      const v1 = randomBytes(1_000_000, 23);
      const v2 = randomBytes(900_000, 24);
      await writeFile(path.join(slow.root, 'doc.bin'), v1);
      const view = await fx.engine.addDownload({ directory: fx.dir, url: `${slow.baseUrl}/doc.bin` });
      await until(() => (fx.engine.get(view.id)?.progress.bytesDone ?? 0) > 200_000, '200 kB downloaded');
      await fx.engine.pause(view.id);
      const oldEtag = fx.engine.get(view.id)?.validators?.etag;
      await writeFile(path.join(slow.root, 'doc.bin'), v2);
      await fx.engine.resume(view.id);
      const [done] = await fx.engine.waitUntilFinished([view.id]);
      expect(done!.state).toBe('completed');
      expect(done!.validators?.etag).not.toBe(oldEtag);
      expect(done!.log.some((e) => /Starting over from byte 0: the file changed/.test(e.message))).toBe(true);
      expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(v2));
    } finally {
      await slow.stop();
    }
  });

  it('a server without range support restarts and marks the download not resumable', async () => {
    const bytes = randomBytes(500_000, 16);
    const p = uniquePath('norange.bin');
    server.route(p, { body: bytes, ranges: false, cutAfterBytes: 150_000, cutTimes: 2 });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect(server.responsesFor(p).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(view.download?.resumable).toBe(false);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
  });

  it('handles a body of unknown size (chunked), also when it is cut', async () => {
    const bytes = randomBytes(400_000, 26);
    const p = uniquePath('chunked.bin');
    server.route(p, { body: bytes, noContentLength: true, cutAfterBytes: 150_000, cutTimes: 1 });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect(server.requestsFor(p)[1]!.headers.range).toBe('bytes=150000-');
    expect(view.progress.totalBytes).toBe(bytes.length);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
  });

  it('finishes although the connection is cut more often than maxRetries, since each cut made progress', async () => {
    await fx.open({ settings: { maxRetries: 2 } });
    const bytes = randomBytes(1_000_000, 17);
    const p = uniquePath('cut.bin');
    server.route(p, { body: bytes, cutAfterBytes: 70_000, cutTimes: 12 });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect(server.requestsFor(p).length).toBe(13);
    // Every byte that arrived before a cut was kept: each attempt continues exactly 70 kB further.
    const ranges = server.requestsFor(p).map((r) => r.headers.range ?? 'none');
    expect(ranges).toEqual(['none', ...Array.from({ length: 12 }, (_, i) => `bytes=${(i + 1) * 70_000}-`)]);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
  });

  it('honours a per-transfer speed limit, and waiting for the limit is not mistaken for a stall', async () => {
    const bytes = randomBytes(60_000, 22);
    const p = uniquePath('limited.bin');
    server.route(p, { body: bytes });
    const started = Date.now();
    // 15 kB/s with socket chunks of up to 64 kB: one wait is longer than the 1.5 s stall timeout.
    const view = await download({ url: server.url(p), speedLimit: 15_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(view.state).toBe('completed');
    expect(seconds).toBeGreaterThan(2.5);
    expect(server.requestsFor(p).length).toBe(1);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
  });

  it('detects a stalled server, aborts the attempt and resumes', async () => {
    const bytes = randomBytes(400_000, 18);
    const p = uniquePath('stall.bin');
    server.route(p, { body: bytes, stallAfterBytes: 100_000, stallTimes: 1 });
    const started = Date.now();
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(server.requestsFor(p)[1]!.headers.range).toBe('bytes=100000-');
    expect(view.log.some((e) => /No data for/.test(e.message))).toBe(true);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
  });

  it('fails 404 at once and 500 after the retries, with the status in the error', async () => {
    await fx.open({ settings: { maxRetries: 2 } });
    const missing = uniquePath('missing.bin');
    server.route(missing, { status: 404 });
    const notFound = await download({ url: server.url(missing) });
    expect(notFound.state).toBe('failed');
    expect(notFound.error).toMatchObject({ code: 'HTTP_STATUS', status: 404 });
    expect(notFound.error?.message).toMatch(/404 Not Found/);
    expect(server.requestsFor(missing).length).toBe(1);

    const broken = uniquePath('broken.bin');
    server.route(broken, { status: 500 });
    const failed = await download({ url: server.url(broken) });
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'HTTP_STATUS', status: 500 });
    expect(failed.error?.message).toMatch(/500/);
    expect(server.requestsFor(broken).length).toBe(3);
    expect(await readdir(fx.dir)).toEqual([]);
  });

  it('waits at least Retry-After after a 503', async () => {
    const bytes = randomBytes(10_000, 19);
    const p = uniquePath('busy.bin');
    server.route(p, { body: bytes, statusSequence: [503], retryAfter: '2' });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    const [first, second] = server.requestsFor(p);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1950);
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
  });

  it('lands hostile Content-Disposition names safely inside the folder', async () => {
    const hostile: [string, string][] = [
      ['attachment; filename="../../escape.txt"', 'escape.txt'],
      [`attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd`, 'passwd'],
      ['attachment; filename="..\\\\..\\\\win.ini"', 'win.ini'],
      [`attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe`, 'invoicefdp.exe'],
      ['attachment; filename="CON.txt"', '_CON.txt'],
      [`attachment; filename*=UTF-8''bad%0A%0Dname%00.txt`, 'badname.txt'],
      ['attachment; filename="dots. . ."', 'dots'],
      ['attachment; filename=".."', 'download'],
    ];
    for (const [header, expected] of hostile) {
      const p = uniquePath('x.bin');
      server.route(p, { body: 'hello', headers: { 'content-disposition': header } });
      const view = await download({ url: server.url(p) });
      expect(view.state, header).toBe('completed');
      expect(view.download?.filePath, header).toBe(path.join(fx.dir, expected));
      expect(view.name).toBe(expected);
    }
    expect((await readdir(fx.dir)).sort()).toEqual(hostile.map(([, e]) => e).sort());
    expect((await readdir(fx.tmp)).sort()).toEqual(['data', 'downloads']);
  });

  it('never overwrites: name conflicts become "name (1).ext", chosen at finish', async () => {
    const p = uniquePath('report.pdf');
    server.route(p, { body: 'new' });
    await writeFile(path.join(fx.dir, 'report.pdf'), 'old');
    const first = await download({ url: server.url(p) });
    const second = await download({ url: server.url(p) });
    expect(first.download?.filePath).toBe(path.join(fx.dir, 'report (1).pdf'));
    expect(second.download?.filePath).toBe(path.join(fx.dir, 'report (2).pdf'));
    expect(await readFile(path.join(fx.dir, 'report.pdf'), 'utf8')).toBe('old');
    expect(await readFile(path.join(fx.dir, 'report (2).pdf'), 'utf8')).toBe('new');
  });

  it('saves a gzip-encoded body raw, as the server sent it', async () => {
    const gz = gzipSync(Buffer.from('a'.repeat(100_000)));
    const p = uniquePath('data.json.gz');
    server.route(p, { body: gz, gzip: true });
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect((await readFile(view.download!.filePath!)).equals(gz)).toBe(true);
  });

  it('fails on a SHA-256 mismatch and keeps no file', async () => {
    const p = uniquePath('sum.bin');
    server.route(p, { body: randomBytes(50_000, 20) });
    const view = await download({ url: server.url(p), sha256: 'a'.repeat(64) });
    expect(view.state).toBe('failed');
    expect(view.error?.code).toBe('CHECKSUM_MISMATCH');
    expect(await readdir(fx.dir)).toEqual([]);
  });

  it('ends redirect loops and redirects to other protocols with a clear REDIRECT error', async () => {
    const a = uniquePath('a');
    const b = uniquePath('b');
    server.route(a, { redirect: b });
    server.route(b, { redirect: a });
    const loop = await download({ url: server.url(a) });
    expect(loop.state).toBe('failed');
    expect(loop.error?.code).toBe('REDIRECT');
    expect(loop.error?.message).toMatch(/redirect/i);
    expect(server.requestsFor(a).length).toBeLessThanOrEqual(6);

    const ftp = uniquePath('ftp');
    server.route(ftp, { redirect: 'ftp://127.0.0.1/file' });
    const refused = await download({ url: server.url(ftp) });
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toBe('REDIRECT');
    expect(refused.error?.message).toMatch(/ftp/);
  });

  it('follows redirects, records the final URL and names the file after it', async () => {
    const target = uniquePath('real-name.iso');
    const start = uniquePath('go');
    server.route(target, { body: 'iso' });
    server.route(start, { redirect: target, redirectStatus: 301 });
    const view = await download({ url: server.url(start) });
    expect(view.state).toBe('completed');
    expect(view.finalUrl).toBe(server.url(target));
    expect(view.name).toBe('real-name.iso');
  });

  it('continues after the engine is closed mid-download and opened again', async () => {
    const bytes = randomBytes(1_500_000, 25);
    const p = uniquePath('restart.bin');
    server.route(p, { body: bytes, rateBytesPerSec: 1_000_000 });
    const view = await fx.engine.addDownload({ directory: fx.dir, url: server.url(p) });
    await until(() => (fx.engine.get(view.id)?.progress.bytesDone ?? 0) > 300_000, '300 kB downloaded');
    await fx.engine.close();
    const partSize = (await readFile(path.join(fx.dir, 'restart.bin.part'))).length;
    server.route(p, { body: bytes });
    await fx.open();
    const [done] = await fx.engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(server.requestsFor(p).at(-1)!.headers.range).toBe(`bytes=${partSize}-`);
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(bytes));
  });

  it('a crash between the final rename and its checkpoint finds the finished file instead of downloading again', async () => {
    const bytes = randomBytes(200_000, 26);
    const p = uniquePath('renamed.bin');
    server.route(p, { body: bytes });
    const view = await download({ url: server.url(p) });
    const finalPath = view.download!.filePath!;
    await fx.engine.close();
    // Rewind the record to the moment before the rename was recorded: still active, still pointing at the .part.
    const recordFile = path.join(fx.tmp, 'data', 'transfers', `${view.id}.json`);
    const record = JSON.parse(await readFile(recordFile, 'utf8'));
    expect(record.resume.partInode).toBeTypeOf('number');
    record.transfer.state = 'active';
    record.resume.partPath = `${finalPath}.part`;
    delete record.transfer.download.filePath;
    await writeFile(recordFile, JSON.stringify(record));
    const requestsBefore = server.requestsFor(p).length;

    await fx.open();
    const [done] = await fx.engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(done!.download!.filePath).toBe(finalPath);
    expect(server.requestsFor(p).length).toBe(requestsBefore);
    expect(await readdir(fx.dir)).toEqual(['renamed.bin']);
  });

  it('remove keeps the finished file unless asked to delete it', async () => {
    const p = uniquePath('keep.txt');
    server.route(p, { body: 'keep me' });
    const kept = await download({ url: server.url(p) });
    await fx.engine.remove(kept.id);
    expect(await readFile(kept.download!.filePath!, 'utf8')).toBe('keep me');
    const gone = await download({ url: server.url(p) });
    expect(gone.download?.filePath).toBe(path.join(fx.dir, 'keep (1).txt'));
    await fx.engine.remove(gone.id, { deleteFile: true });
    expect(await readdir(fx.dir)).toEqual(['keep.txt']);
  });

  it('cancel removes the .part file', async () => {
    const p = uniquePath('cancel.bin');
    server.route(p, { body: randomBytes(2_000_000, 21), rateBytesPerSec: 500_000 });
    const view = await fx.engine.addDownload({ directory: fx.dir, url: server.url(p) });
    await until(() => (fx.engine.get(view.id)?.progress.bytesDone ?? 0) > 100_000, '100 kB downloaded');
    expect(await readdir(fx.dir)).toEqual(['cancel.bin.part']);
    await fx.engine.cancel(view.id);
    expect(fx.engine.get(view.id)?.state).toBe('canceled');
    expect(await readdir(fx.dir)).toEqual([]);
  });
});
