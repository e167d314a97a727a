// The first download on a fresh account: the download folder does not exist yet. The real engine
// and download worker against the project's test server on 127.0.0.1, real folders on disk
// (a read-only tmpfs and an immutable folder for the cases where creating it must fail).
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';

let server: TestServer;
let tmp: string;
let engine: TransferEngine;
const bytes = randomBytes(200_000, 8);
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/file.bin', { body: bytes });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-folder-');
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker() },
    settings: { stallTimeoutMs: 2000, retryBaseMs: 50, retryMaxMs: 200 },
  });
});
afterEach(async () => {
  await engine.close();
  await removeDir(tmp);
});

async function downloadInto(directory: string): Promise<TransferView> {
  const view = await engine.addDownload({ url: server.url('/file.bin'), directory });
  const [done] = await engine.waitUntilFinished([view.id]);
  return done!;
}

it('creates a missing download folder (and its parents) with the default mode', async () => {
  const folder = path.join(tmp, 'home', 'Downloads', 'typed', 'deeper');
  const view = await downloadInto(folder);
  expect(view.error?.message).toBeUndefined();
  expect(view.state).toBe('completed');
  expect(view.download?.filePath).toBe(path.join(folder, 'file.bin'));
  expect(sha256(await readFile(path.join(folder, 'file.bin')))).toBe(sha256(bytes));
  const umask = process.umask();
  for (const created of [path.join(tmp, 'home'), folder]) {
    expect((await stat(created)).mode & 0o777).toBe(0o777 & ~umask);
  }
});

it('fails in words when a file is in the way, and leaves that file alone', async () => {
  const blocker = path.join(tmp, 'Downloads');
  await writeFile(blocker, 'not a folder');
  for (const folder of [blocker, path.join(blocker, 'sub')]) {
    const view = await downloadInto(folder);
    expect(view.state).toBe('failed');
    expect(view.error?.code).toBe('FILE_SYSTEM');
    expect(view.error?.message).toBe(`Cannot create the download folder ${folder}: ${blocker} is a file, not a folder`);
  }
  expect(await readFile(blocker, 'utf8')).toBe('not a folder');
});

it.skipIf(!isRoot)('fails in words on a read-only file system', async () => {
  const mountPoint = path.join(tmp, 'ro');
  await mkdir(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint]);
  try {
    const folder = path.join(mountPoint, 'Downloads');
    const view = await downloadInto(folder);
    expect(view.state).toBe('failed');
    expect(view.error?.message).toBe(`Cannot create the download folder ${folder}: the file system is read-only`);
  } finally {
    execFileSync('umount', [mountPoint]);
  }
});

// Root ignores mode bits, so the refusal comes from an immutable parent (chattr +i), which
// even root cannot create entries in; as another user a 0555 parent does the same.
it('fails in words when permission is denied', async () => {
  const parent = path.join(tmp, 'locked');
  await mkdir(parent);
  const lock = () => (isRoot ? execFileSync('chattr', ['+i', parent]) : execFileSync('chmod', ['0555', parent]));
  const unlock = () => (isRoot ? execFileSync('chattr', ['-i', parent]) : execFileSync('chmod', ['0755', parent]));
  lock();
  try {
    const folder = path.join(parent, 'Downloads');
    const view = await downloadInto(folder);
    expect(view.state).toBe('failed');
    expect(view.error?.message).toBe(`Cannot create the download folder ${folder}: permission denied`);
  } finally {
    unlock();
  }
});
