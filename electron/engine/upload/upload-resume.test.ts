// tus continues from the server's offset after pause, engine shutdown and SIGKILL: the server
// receives well under twice the file. raw restarts from byte 0, as it says it will.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startRawReceiver, startTusServer, type TusTestServer } from '../../../test-support/upload-servers';
import type { TransferEngine } from '../engine';
import type { TransferRecord } from '../types';
import { exists, openUploadEngine, waitFor } from './upload-test-kit';

let dir: string;
let dataDir: string;
let engine: TransferEngine | undefined;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await makeTempDir('ferry-up-src-');
  dataDir = await makeTempDir('ferry-up-data-');
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  for (const close of closers.splice(0)) await close();
  await removeDir(dir);
  await removeDir(dataDir);
});

const SIZE = 2_000_000;

async function sourceFile(seed: number): Promise<{ file: string; bytes: Buffer }> {
  const bytes = randomBytes(SIZE, seed);
  const file = path.join(dir, 'movie.mkv');
  await writeFile(file, bytes);
  return { file, bytes };
}

async function storedBytes(tus: TusTestServer): Promise<Buffer> {
  const files = await tus.uploadedFiles();
  expect(files).toHaveLength(1);
  return readFile(files[0]!);
}

async function readRecord(id: string): Promise<TransferRecord> {
  return JSON.parse(await readFile(path.join(dataDir, 'transfers', `${id}.json`), 'utf8')) as TransferRecord;
}

describe('tus resume', () => {
  it('pause mid-way, then resume: continues from the server offset', async () => {
    const tus = await startTusServer();
    closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(21);
    engine = await openUploadEngine(dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const added = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    await waitFor(() => tus.bytesReceived() > SIZE * 0.4, 10_000, '40% received');
    await engine.pause(added.id);
    const paused = engine.get(added.id)!;
    expect(paused.state).toBe('paused');
    const record = await readRecord(added.id);
    expect(record.resume.kind === 'upload' && record.resume.tusUploadUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    await engine.resume(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    expect(tus.bytesReceived()).toBeLessThan(SIZE * 1.3);
    // After the pause, the first PATCH starts where the server had got to, not at 0.
    const offsets = tus.patchOffsets;
    expect(offsets.filter((o) => o === 0)).toHaveLength(1);
  });

  it('when the server forgot the upload (HEAD 404), the next attempt starts a new one', async () => {
    const tus = await startTusServer();
    closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(25);
    engine = await openUploadEngine(dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const added = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    await waitFor(() => tus.bytesReceived() > SIZE * 0.3, 10_000, '30% received');
    await engine.pause(added.id);
    const firstUrl = (await readRecord(added.id)).resume;
    for (const f of await readdir(tus.dir)) await rm(path.join(tus.dir, f), { force: true });
    await engine.resume(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    const after = (await readRecord(added.id)).resume;
    expect(after.kind === 'upload' && after.tusUploadUrl).not.toBe(firstUrl.kind === 'upload' && firstUrl.tusUploadUrl);
    expect(tus.patchOffsets.filter((o) => o === 0)).toHaveLength(2);
  });

  it('engine closed mid-way, reopened: the upload resumes by itself', async () => {
    const tus = await startTusServer();
    closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(22);
    engine = await openUploadEngine(dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const added = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    await waitFor(() => tus.bytesReceived() > SIZE * 0.4, 10_000, '40% received');
    await engine.close();
    const record = await readRecord(added.id);
    expect(record.view.state).toBe('active');
    expect(record.resume.kind === 'upload' && record.resume.bytesConfirmed).toBeGreaterThan(0);
    engine = await openUploadEngine(dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    expect(tus.bytesReceived()).toBeLessThan(SIZE * 1.3);
    expect(await exists(path.join(dataDir, 'staging', added.id))).toBe(false);
  });

  it('SIGKILL of a process running the engine, then resume: well under twice the file is sent', async () => {
    const tus = await startTusServer();
    closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(23);
    const fixture = fileURLToPath(new URL('./tus-child.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir, file, tus.endpoint, '1000000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    closers.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => /added (\S+)/.test(out), 20_000, `child to add the upload (${err})`);
    const id = /added (\S+)/.exec(out)![1]!;
    await waitFor(() => tus.bytesReceived() > SIZE * 0.5, 20_000, '50% received');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const atKill = tus.bytesReceived();
    expect(atKill).toBeLessThan(SIZE);

    engine = await openUploadEngine(dataDir);
    const [done] = await engine.waitUntilFinished([id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    expect(tus.bytesReceived()).toBeLessThan(SIZE * 1.3);
    expect(tus.patchOffsets.filter((o) => o === 0)).toHaveLength(1);
    expect(out).not.toMatch(/failed/);
  });
});

describe('raw pause', () => {
  it('restarts from byte 0 on resume and still delivers identical bytes', async () => {
    const raw = await startRawReceiver('store');
    closers.push(() => raw.close());
    const { file, bytes } = await sourceFile(24);
    engine = await openUploadEngine(dataDir, { uploadLimit: 2_000_000 });
    const added = await engine.addUpload({ sourcePath: file, url: raw.url('/r') });
    expect(added.upload?.restartsOnResume).toBe(true);
    await waitFor(() => raw.bodyBytesRead() > SIZE * 0.3, 10_000, '30% received');
    await engine.pause(added.id);
    await engine.resume(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received.at(-1)!.sha256).toBe(sha256(bytes));
    expect(raw.requestCount()).toBe(2);
    expect(raw.bodyBytesRead()).toBeGreaterThan(SIZE * 1.3);
  });
});
