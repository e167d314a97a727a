// The "from the internet" mark on finished downloads, read back with Debian's getfattr, through
// the real engine and worker against the project's loopback server. A file system without user
// xattrs (ramfs, mounted for real as root) must still get the download, just unmarked.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';
import { displayableOrigin, markFromInternet } from './origin-mark';

let server: TestServer;
let tmp: string;
let engine: TransferEngine;
const body = randomBytes(40_000, 11);

/** getfattr's value of one attribute, or undefined when the file has none by that name. */
function readXattr(file: string, name: string): string | undefined {
  try {
    return execFileSync('getfattr', ['--only-values', '-n', name, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  server = await startTestServer();
  server.route('/files/report.pdf', { body });
  server.route('/go', { redirect: '/files/report.pdf' });
});
afterAll(() => server.close());
beforeEach(async () => {
  tmp = await makeTempDir('ferry-mark-');
  engine = await TransferEngine.open({ dataDir: path.join(tmp, 'data'), workers: { download: createDownloadWorker() }, settings: { stallTimeoutMs: 2000 } });
});
afterEach(async () => {
  await engine.close();
  await removeDir(tmp);
});

async function download(directory: string, url: string, headers?: Record<string, string>) {
  await mkdir(directory, { recursive: true });
  const view = await engine.addDownload({ url, directory, ...(headers ? { headers } : {}) });
  const [done] = await engine.waitUntilFinished([view.id]);
  return done!;
}

describe('origin mark', () => {
  it('a finished download carries user.xdg.origin.url (the final URL) and the referrer, as Chromium writes them', async () => {
    const done = await download(path.join(tmp, 'dl'), server.url('/go'), { Referer: 'http://127.0.0.1/page.html#top' });
    expect(done.state).toBe('completed');
    const file = done.download!.filePath!;
    expect(await readFile(file)).toEqual(body);
    expect(readXattr(file, 'user.xdg.origin.url')).toBe(server.url('/files/report.pdf'));
    expect(readXattr(file, 'user.xdg.referrer.url')).toBe('http://127.0.0.1/page.html');
  });

  it('never stores a password from the URL in the mark', async () => {
    const url = server.url('/files/report.pdf').replace('http://', 'http://user:hunter2@');
    expect(displayableOrigin(url)).toBe(server.url('/files/report.pdf'));
    const file = path.join(tmp, 'plain.bin');
    await mkdir(tmp, { recursive: true });
    execFileSync('touch', [file]);
    expect(await markFromInternet(file, { url })).toBe(true);
    expect(readXattr(file, 'user.xdg.origin.url')).toBe(server.url('/files/report.pdf'));
  });

  it('reports, never throws, when the file cannot be marked', async () => {
    expect(await markFromInternet(path.join(tmp, 'missing.bin'), { url: server.url('/x') })).toBe(false);
    expect(await markFromInternet(path.join(tmp, 'missing.bin'), { url: 'not a url' })).toBe(false);
  });

  // ramfs has no user.* xattrs (tmpfs has them since Linux 6.6): a real file system that refuses.
  const root = process.getuid?.() === 0;
  it.skipIf(!root)('a download onto a file system without user xattrs still completes, unmarked', async () => {
    const mount = path.join(tmp, 'ramfs');
    await mkdir(mount);
    execFileSync('mount', ['-t', 'ramfs', 'ramfs', mount]);
    try {
      const done = await download(path.join(mount, 'dl'), server.url('/files/report.pdf'));
      expect(done.state).toBe('completed');
      expect(await readFile(done.download!.filePath!)).toEqual(body);
      expect(readXattr(done.download!.filePath!, 'user.xdg.origin.url')).toBeUndefined();
    } finally {
      execFileSync('umount', [mount]);
      await rmdir(mount);
    }
  });
});
