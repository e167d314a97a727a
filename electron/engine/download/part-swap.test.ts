// Whoever can write to the download folder may replace a paused download's .part: with a
// symbolic link to another file, a hard link to one, or a file of their own. Resuming must
// continue only Ferry's own file: the other file stays exactly as it was (bytes and mtime), the
// download starts over in a fresh .part and ends as a regular file with the right bytes. Real
// engine, real worker, real files, the project's test server on 127.0.0.1.
import { link, lstat, mkdir, readFile, readlink, readdir, rename, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { until } from '../../../test-support/wait';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';
import { moveToFreeName } from './part-file';
import { identityOf, PartReplaced } from './part-identity';

let server: TestServer;
let tmp: string;
let dir: string;
let victim: string;
let engine: TransferEngine;
let routes = 0;
const VICTIM_BYTES = Buffer.from('ssh-ed25519 AAAA... the user’s own file, not Ferry’s\n'.repeat(2000));
const VICTIM_MTIME = new Date('2020-01-02T03:04:05Z');

async function openEngine(): Promise<TransferEngine> {
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 128 * 1024 }) },
    settings: { stallTimeoutMs: 3000, retryBaseMs: 50, retryMaxMs: 300 },
  });
  return engine;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-part-swap-');
  dir = path.join(tmp, 'downloads');
  await mkdir(dir);
  // The file an attacker wants overwritten, outside the download folder (think ~/.ssh/authorized_keys).
  victim = path.join(tmp, 'victim.txt');
  await writeFile(victim, VICTIM_BYTES);
  await utimes(victim, VICTIM_MTIME, VICTIM_MTIME);
  await openEngine();
});
afterEach(async () => {
  await engine.close();
  await removeDir(tmp);
});

/** A slow download paused once it has `atLeast` bytes, with its .part and the route's path. */
async function pausedDownload(name: string, body: Buffer, connections = 1, atLeast = 300_000) {
  const route = `/s${++routes}/${name}`;
  server.route(route, { body, rateBytesPerSec: connections > 1 ? 150_000 : 600_000 });
  const view = await engine.addDownload({ url: server.url(route), directory: dir, connections });
  await until(() => (engine.get(view.id)?.progress.bytesDone ?? 0) >= atLeast, 'bytes on disk');
  await engine.pause(view.id);
  server.route(route, { body }); // full speed from now on
  const partPath = path.join(dir, `${name}.part`);
  expect((await lstat(partPath)).isFile()).toBe(true);
  return { view, route, partPath };
}

async function expectVictimUntouched(): Promise<void> {
  expect((await readFile(victim)).equals(VICTIM_BYTES)).toBe(true);
  expect((await stat(victim)).mtimeMs).toBe(VICTIM_MTIME.getTime());
}

/** Completed, as a regular file (not a link) with exactly the server's bytes. */
async function expectRegularDownload(done: TransferView, body: Buffer, name: string): Promise<void> {
  expect(done.state, done.error?.message).toBe('completed');
  expect(done.download?.filePath).toBe(path.join(dir, name));
  const facts = await lstat(done.download!.filePath!);
  expect(facts.isFile()).toBe(true);
  expect(facts.isSymbolicLink()).toBe(false);
  expect(sha256(await readFile(done.download!.filePath!))).toBe(sha256(body));
}

const logText = (view: TransferView | undefined) => (view?.log ?? []).map((l) => l.message).join('\n');

describe('a .part replaced while the download is paused', () => {
  it('a symbolic link: its target is left untouched, the download starts over and ends as a regular file', async () => {
    const body = randomBytes(1_500_000, 41);
    const { view, route, partPath } = await pausedDownload('sym.bin', body);
    await unlink(partPath);
    await symlink(victim, partPath);

    await engine.resume(view.id);
    const [done] = await engine.waitUntilFinished([view.id]);
    await expectVictimUntouched();
    await expectRegularDownload(done!, body, 'sym.bin');
    // Started over from byte 0 in a fresh .part; the link itself stays as it was put there.
    expect(server.requestsFor(route).at(-1)!.headers.range).toBeUndefined();
    expect(await readlink(partPath)).toBe(victim);
    expect(logText(done)).toMatch(/sym\.bin\.part is now a symbolic link; leaving it alone and starting over/);
  });

  it('a symbolic link under a segmented download (8 connections): the target keeps its bytes, nothing is preallocated into it', async () => {
    const body = randomBytes(3_000_000, 42);
    const { view, partPath } = await pausedDownload('seg.bin', body, 8, 400_000);
    expect(engine.get(view.id)!.download?.segments?.length ?? 0).toBeGreaterThan(1);
    await unlink(partPath);
    await symlink(victim, partPath);

    await engine.resume(view.id);
    const [done] = await engine.waitUntilFinished([view.id]);
    await expectVictimUntouched();
    await expectRegularDownload(done!, body, 'seg.bin');
    expect(await readlink(partPath)).toBe(victim);
  });

  it('a hard link to another file: that file keeps its bytes and mtime', async () => {
    const body = randomBytes(1_200_000, 43);
    const { view, partPath } = await pausedDownload('hard.bin', body);
    await unlink(partPath);
    await link(victim, partPath);

    await engine.resume(view.id);
    const [done] = await engine.waitUntilFinished([view.id]);
    await expectVictimUntouched();
    await expectRegularDownload(done!, body, 'hard.bin');
    expect((await stat(partPath)).ino).toBe((await stat(victim)).ino);
    expect(logText(done)).toMatch(/is now a different file than the one Ferry wrote/);
  });

  it('another regular file (same name, same size): left as it is, and the download restarts cleanly from byte 0', async () => {
    const body = randomBytes(1_200_000, 44);
    const { view, route, partPath } = await pausedDownload('other.bin', body);
    const size = (await stat(partPath)).size;
    const planted = Buffer.alloc(size, 0x41);
    // On ext4 the new file gets the inode number the .part just freed: only the birth time tells them apart.
    await unlink(partPath);
    await writeFile(partPath, planted);

    await engine.resume(view.id);
    const [done] = await engine.waitUntilFinished([view.id]);
    await expectRegularDownload(done!, body, 'other.bin');
    expect((await readFile(partPath)).equals(planted)).toBe(true);
    expect(server.requestsFor(route).at(-1)!.headers.range).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['other.bin', 'other.bin.part']);
    expect(logText(done)).toMatch(/other\.bin\.part is now a different file than the one Ferry wrote/);
  });

  it('after a restart of the engine (resume data on disk): a link swapped in while Ferry was closed is not followed', async () => {
    const body = randomBytes(1_500_000, 45);
    const route = `/s${++routes}/restart.bin`;
    server.route(route, { body, rateBytesPerSec: 600_000 });
    const view = await engine.addDownload({ url: server.url(route), directory: dir });
    await until(() => (engine.get(view.id)?.progress.bytesDone ?? 0) >= 300_000, 'bytes on disk');
    await engine.close();
    const record = JSON.parse(await readFile(path.join(tmp, 'data', 'transfers', `${view.id}.json`), 'utf8'));
    const partPath = path.join(dir, 'restart.bin.part');
    const own = await stat(partPath);
    // The resume data on disk says which file the .part was: inode and device.
    expect(record.resume).toMatchObject({ partPath, partInode: own.ino, partDev: own.dev, partBirthtimeMs: own.birthtimeMs });
    await unlink(partPath);
    await symlink(victim, partPath);

    server.route(route, { body });
    await openEngine();
    const [done] = await engine.waitUntilFinished([view.id]);
    await expectVictimUntouched();
    await expectRegularDownload(done!, body, 'restart.bin');
    expect(await readlink(partPath)).toBe(victim);
  });

  it('cancelling a download whose .part was replaced leaves the replacement alone', async () => {
    const body = randomBytes(1_200_000, 46);
    const { view, partPath } = await pausedDownload('cancel.bin', body);
    await unlink(partPath);
    await link(victim, partPath);
    await engine.cancel(view.id);
    expect((await stat(partPath)).ino).toBe((await stat(victim)).ino);
    await expectVictimUntouched();
  });
});

describe('the final rename', () => {
  it('refuses a .part that became a link just before the move, and leaves no finished file behind', async () => {
    const partPath = path.join(dir, 'late.bin.part');
    await writeFile(partPath, 'server bytes');
    const own = identityOf(await stat(partPath));
    await rename(partPath, path.join(dir, 'moved-away'));
    await symlink(victim, partPath);
    await expect(moveToFreeName(partPath, dir, 'late.bin', own)).rejects.toBeInstanceOf(PartReplaced);
    expect((await readdir(dir)).sort()).toEqual(['late.bin.part', 'moved-away']);
    await expectVictimUntouched();
  });

  it('never takes a link under the final name for the finished file', async () => {
    const partPath = path.join(dir, 'final.bin.part');
    await writeFile(partPath, 'server bytes');
    const own = identityOf(await stat(partPath));
    // Someone put a link to the .part under the final name: it is not Ferry's file, the next free name is.
    await symlink(partPath, path.join(dir, 'final.bin'));
    const moved = await moveToFreeName(partPath, dir, 'final.bin', own);
    expect(moved).toBe(path.join(dir, 'final (1).bin'));
    expect((await lstat(moved)).isFile()).toBe(true);
    expect(await readFile(moved, 'utf8')).toBe('server bytes');
  });
});
