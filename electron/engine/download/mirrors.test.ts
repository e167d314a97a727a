// One download from several URLs of the same file (mirrors): two real nginx servers both serve
// it; when one dies mid-way it is dropped with a line in the log and the other finishes, the file
// byte-identical and at most 1.25x its size sent in all. Headers given for the first URL's origin
// never reach a mirror on another; the mirror list survives a restart; views mask every URL.
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../test-support/fault-proxy';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { bytesSentMatching, requestsLogged, startNginx, type NginxServer } from '../../../test-support/nginx';
import { until } from '../../../test-support/wait';
import { SECRET_MASK } from '../../../shared/secret-mask';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';

const MiB = 1024 * 1024;

let tmp: string;
let dir: string;
let engine: TransferEngine;
const cleanups: (() => Promise<void>)[] = [];

async function openEngine(): Promise<TransferEngine> {
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 256 * 1024, connections: 8 }) },
    settings: { stallTimeoutMs: 5000, retryBaseMs: 50, retryMaxMs: 300 },
  });
  return engine;
}

/** An nginx serving `bytes` as /f.bin, each connection capped (a mirror a few connections fill). */
async function mirror(bytes: Buffer, mtime: number): Promise<NginxServer> {
  const nginx = await startNginx({ limitRate: '1m', sendChunk: '64k' });
  const file = path.join(nginx.root, 'f.bin');
  await writeFile(file, bytes);
  // Another modification time, so each mirror has an ETag of its own, as two real mirrors do.
  await utimes(file, mtime, mtime);
  cleanups.push(() => nginx.stop());
  return nginx;
}

beforeEach(async () => {
  tmp = await makeTempDir('ferry-mirrors-');
  dir = path.join(tmp, 'downloads');
  await mkdir(dir);
  await openEngine();
});
afterEach(async () => {
  await engine.close();
  for (const c of cleanups.splice(0).reverse()) await c();
  await removeDir(tmp);
});

describe('mirrors', () => {
  it('both serve; one dies mid-way, the other finishes: byte-identical, ≤ 1.25x sent in all', async () => {
    const file = randomBytes(24 * MiB, 5);
    const a = await mirror(file, 1_700_000_000);
    const b = await mirror(file, 1_700_000_500);
    // B is counted at the socket: a killed nginx does not log the responses it was in the middle of.
    const proxyB: FaultProxy = await startFaultProxy({ port: b.port });
    cleanups.push(() => proxyB.close());
    const view = await engine.addDownload({ url: `${a.baseUrl}/f.bin`, mirrors: [proxyB.url('/f.bin')], directory: dir, connections: 8 });
    expect(view.download?.sources?.map((s) => s.url)).toEqual([`${a.baseUrl}/f.bin`, proxyB.url('/f.bin')]);
    // Both serve: B has sent a good part before it dies.
    await until(() => proxyB.serverBytesSent() > 3 * MiB && (engine.get(view.id)?.progress.bytesDone ?? 0) > 6 * MiB, 'both mirrors serving', 60_000);
    process.kill(b.pid, 'SIGTERM'); // a fast shutdown: open connections are cut, new ones refused
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(file));
    const sentByA = await bytesSentMatching(a, /^\/f\.bin$/);
    const sent = sentByA + proxyB.serverBytesSent();
    if (process.env.DEBUG_MIRRORS) console.log({ sentByA, sentByB: proxyB.serverBytesSent(), ratio: sent / file.length });
    expect(sentByA).toBeGreaterThan(file.length / 4);
    expect(sent).toBeLessThanOrEqual(1.25 * file.length);
    const log = done!.log.map((e) => e.message).join('\n');
    expect(log).toContain(`${proxyB.url('/f.bin')} is not used any more for this download`);
    expect(done!.download?.sources).toEqual([
      { url: `${a.baseUrl}/f.bin`, status: 'serving' },
      expect.objectContaining({ url: proxyB.url('/f.bin'), status: 'dropped' }),
    ]);
  });

  it('a mirror serving another size is dropped, the other finishes', async () => {
    const file = randomBytes(8 * MiB, 6);
    const a = await mirror(file, 1_700_000_000);
    const b = await mirror(randomBytes(8 * MiB - 10, 7), 1_700_000_000);
    const view = await engine.addDownload({ url: `${a.baseUrl}/f.bin`, mirrors: [`${b.baseUrl}/f.bin`], directory: dir, connections: 8 });
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(file));
    expect(done!.log.map((e) => e.message).join('\n')).toMatch(new RegExp(`${b.baseUrl}/f.bin is not used any more for this download: .*${8 * MiB - 10}`));
  });

  it('the mirror list is in the resume data: after a restart the download continues with both', async () => {
    const file = randomBytes(16 * MiB, 8);
    const a = await mirror(file, 1_700_000_000);
    const b = await mirror(file, 1_700_000_900);
    const view = await engine.addDownload({ url: `${a.baseUrl}/f.bin`, mirrors: [`${b.baseUrl}/f.bin`], directory: dir, connections: 8 });
    await until(() => (engine.get(view.id)?.progress.bytesDone ?? 0) > 4 * MiB, 'a third written', 60_000);
    await engine.close();
    const before = (await requestsLogged(b)).length;
    await openEngine();
    expect(engine.downloadUrls(view.id)).toEqual([`${a.baseUrl}/f.bin`, `${b.baseUrl}/f.bin`]);
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(file));
    expect((await requestsLogged(b)).length).toBeGreaterThan(before);
  });
});

describe('headers and mirrors', () => {
  const GIVEN = { Authorization: 'Bearer s3cr3t-token', Cookie: 'session=s3cr3t' };
  let a: TestServer;
  let b: TestServer;
  beforeEach(async () => {
    a = await startTestServer();
    b = await startTestServer();
    cleanups.push(() => a.close(), () => b.close());
  });

  it('headers given for the first URL go only to its origin, never to a mirror on another', async () => {
    const file = randomBytes(6 * MiB, 9);
    a.route('/f.bin', { body: file, rateBytesPerSec: 2 * MiB });
    b.route('/f.bin', { body: file, rateBytesPerSec: 2 * MiB });
    const view = await engine.addDownload({ url: a.url('/f.bin'), mirrors: [b.url('/f.bin')], directory: dir, headers: GIVEN, connections: 8 });
    const [done] = await engine.waitUntilFinished([view.id]);
    if (process.env.DEBUG_MIRRORS) console.log(done!.log, done!.error, b.requests.map((r) => [r.headers.range, r.at]), a.requests.length);
    expect(done!.state).toBe('completed');
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(file));
    expect(b.requestsFor('/f.bin').length).toBeGreaterThan(0);
    for (const r of b.requestsFor('/f.bin')) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers.cookie).toBeUndefined();
    }
    expect(a.requestsFor('/f.bin').every((r) => r.headers.authorization === GIVEN.Authorization)).toBe(true);
  });

  it('a new address on another origin does not receive the headers given for the old one', async () => {
    const file = randomBytes(1 * MiB, 10);
    a.route('/f.bin', { status: 403 });
    b.route('/f.bin', { body: file });
    const view = await engine.addDownload({ url: a.url('/f.bin'), directory: dir, headers: GIVEN });
    await until(() => engine.get(view.id)?.state === 'failed', 'the first address fails');
    await engine.setDownloadUrls(view.id, [b.url('/f.bin')]);
    await engine.retry(view.id);
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(b.requestsFor('/f.bin').some((r) => r.headers.authorization !== undefined || r.headers.cookie !== undefined)).toBe(false);
  });

  it('a mirror whose bytes disagree, and one that answers 404, are dropped; the first URL finishes', async () => {
    const file = randomBytes(6 * MiB, 11);
    a.route('/f.bin', { body: file, rateBytesPerSec: 2 * MiB });
    b.route('/other.bin', { body: randomBytes(6 * MiB, 12) });
    const view = await engine.addDownload({ url: a.url('/f.bin'), mirrors: [b.url('/other.bin'), b.url('/gone.bin')], directory: dir, connections: 8 });
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('completed');
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(file));
    const log = done!.log.map((e) => e.message).join('\n');
    expect(log).toMatch(new RegExp(`${b.url('/other.bin')} is not used any more for this download: its bytes at offset \\d+ differ`));
    expect(log).toMatch(new RegExp(`${b.url('/gone.bin')} is not used any more for this download: .*404`));
    expect(done!.download?.sources?.map((s) => s.status)).toEqual(['serving', 'dropped', 'dropped']);
  });

  it('views mask the password of every mirror', async () => {
    const view = await engine.addDownload({
      url: 'http://me:pw1@127.0.0.1:9/f.bin',
      mirrors: ['http://you:pw2@127.0.0.1:9/g.bin'],
      directory: dir,
      paused: true,
    });
    const text = JSON.stringify([view, engine.get(view.id), engine.list()]);
    expect(text).not.toContain('pw1');
    expect(text).not.toContain('pw2');
    expect(view.download?.sources?.map((s) => s.url)).toEqual([`http://me:${SECRET_MASK}@127.0.0.1:9/f.bin`, `http://you:${SECRET_MASK}@127.0.0.1:9/g.bin`]);
  });
});
