// tus continues from the server's offset after pause, engine shutdown and SIGKILL: the server
// receives well under twice the file. raw restarts from byte 0, as it says it will.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randomBytes, sha256 } from '../../../test-support/files';
import { startRawReceiver, startTusServer, type TusTestServer } from '../../../test-support/upload-servers';
import type { TransferRecord } from '../types';
import { exists, openUploadEngine, useUploadFixture, waitFor } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

const SIZE = 2_000_000;

async function sourceFile(seed: number): Promise<{ file: string; bytes: Buffer }> {
  const bytes = randomBytes(SIZE, seed);
  const file = path.join(fx.dir, 'movie.mkv');
  await writeFile(file, bytes);
  return { file, bytes };
}

async function storedBytes(tus: TusTestServer): Promise<Buffer> {
  const files = await tus.uploadedFiles();
  expect(files).toHaveLength(1);
  return readFile(files[0]!);
}

async function readRecord(id: string): Promise<TransferRecord> {
  return JSON.parse(await readFile(path.join(fx.dataDir, 'transfers', `${id}.json`), 'utf8')) as TransferRecord;
}

describe('tus resume', () => {
  it('pause mid-way, then resume: continues from the server offset', async () => {
    const tus = await startTusServer();
    fx.closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(21);
    fx.engine = await openUploadEngine(fx.dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    await waitFor(() => tus.bytesReceived() > SIZE * 0.4, 10_000, '40% received');
    await fx.engine.pause(added.id);
    const paused = fx.engine.get(added.id)!;
    expect(paused.state).toBe('paused');
    const record = await readRecord(added.id);
    expect(record.resume.kind === 'upload' && record.resume.tusUploadUrl).toMatch(/^http:\/\/127\.0\.0\.1/);
    await fx.engine.resume(added.id);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    expect(tus.bytesReceived()).toBeLessThan(SIZE * 1.3);
    // After the pause, the first PATCH starts where the server had got to, not at 0.
    const offsets = tus.patchOffsets;
    expect(offsets.filter((o) => o === 0)).toHaveLength(1);
  });

  it('when the server forgot the upload (HEAD 404), the next attempt starts a new one', async () => {
    const tus = await startTusServer();
    fx.closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(25);
    fx.engine = await openUploadEngine(fx.dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    await waitFor(() => tus.bytesReceived() > SIZE * 0.3, 10_000, '30% received');
    await fx.engine.pause(added.id);
    const firstUrl = (await readRecord(added.id)).resume;
    for (const f of await readdir(tus.dir)) await rm(path.join(tus.dir, f), { force: true });
    await fx.engine.resume(added.id);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    const after = (await readRecord(added.id)).resume;
    expect(after.kind === 'upload' && after.tusUploadUrl).not.toBe(firstUrl.kind === 'upload' && firstUrl.tusUploadUrl);
    expect(tus.patchOffsets.filter((o) => o === 0)).toHaveLength(2);
  });

  it('engine closed mid-way, reopened: the upload resumes by itself', async () => {
    const tus = await startTusServer();
    fx.closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(22);
    fx.engine = await openUploadEngine(fx.dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    await waitFor(() => tus.bytesReceived() > SIZE * 0.4, 10_000, '40% received');
    await fx.engine.close();
    const record = await readRecord(added.id);
    expect(record.transfer.state).toBe('active');
    expect(record.resume.kind === 'upload' && record.resume.bytesConfirmed).toBeGreaterThan(0);
    fx.engine = await openUploadEngine(fx.dataDir, { uploadLimit: 2_000_000 }, { tusChunkSize: 256 * 1024 });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(sha256(await storedBytes(tus))).toBe(sha256(bytes));
    expect(tus.bytesReceived()).toBeLessThan(SIZE * 1.3);
    expect(await exists(path.join(fx.dataDir, 'staging-area', added.id))).toBe(false);
  });

  it('SIGKILL of a process running the fx.engine, then resume: well under twice the file is sent', async () => {
    const tus = await startTusServer();
    fx.closers.push(() => tus.close());
    const { file, bytes } = await sourceFile(23);
    const fixture = fileURLToPath(new URL('../../../test-support/tus-child.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, fx.dataDir, file, tus.endpoint, '1000000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    fx.closers.push(async () => {
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

    fx.engine = await openUploadEngine(fx.dataDir);
    const [done] = await fx.engine.waitUntilFinished([id]);
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
    fx.closers.push(() => raw.close());
    const { file, bytes } = await sourceFile(24);
    fx.engine = await openUploadEngine(fx.dataDir, { uploadLimit: 2_000_000 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/r') });
    expect(added.upload?.restartsOnResume).toBe(true);
    await waitFor(() => raw.bodyBytesRead() > SIZE * 0.3, 10_000, '30% received');
    await fx.engine.pause(added.id);
    await fx.engine.resume(added.id);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received.at(-1)!.sha256).toBe(sha256(bytes));
    expect(raw.requestCount()).toBe(2);
    expect(raw.bodyBytesRead()).toBeGreaterThan(SIZE * 1.3);
  });
});
