// Staging: refusing bad sources and short space before copying, and removing staged copies
// after success, on cancel/remove and at startup when no record owns them.
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomBytes, sha256 } from '../../../test-support/files';
import { startRawReceiver } from '../../../test-support/upload-servers';
import { TransferFailure } from '../types';
import { checkSource, STAGING_MARGIN_BYTES, startStaging, stagingSpaceError, type StageOptions } from './staging-area';
import { StagingJob } from './staging-job';
import { exists, fileIdentity, openUploadEngine, useUploadFixture, waitFor } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

/** Staging as the worker does it, waiting for the background copy. */
async function stageCopy(options: StageOptions) {
  const { staged, needsCopy } = await startStaging(options);
  const job = new StagingJob(needsCopy ? { source: options.sourcePath, target: staged.path, size: staged.size } : { source: staged.path, size: staged.size });
  job.start();
  return { ...staged, sha256: await job.done };
}

async function failureOf(p: Promise<unknown>): Promise<TransferFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransferFailure);
  return err as TransferFailure;
}

describe('source checks', () => {
  it('refuses a missing file, a folder and an unreadable file with SOURCE_UNREADABLE', async () => {
    const missing = await failureOf(checkSource(path.join(fx.dir, 'nope.txt')));
    expect(missing.error).toMatchObject({ code: 'SOURCE_UNREADABLE', retryable: false });
    expect(missing.message).toMatch(/not found/);

    const folder = await failureOf(checkSource(fx.dir));
    expect(folder.error.code).toBe('SOURCE_UNREADABLE');
    expect(folder.message).toMatch(/folder/);

    if (process.getuid?.() !== 0) {
      // root reads everything, so this case only means something for normal users.
      const locked = path.join(fx.dir, 'locked.txt');
      await writeFile(locked, 'x');
      await chmod(locked, 0o000);
      const unreadable = await failureOf(checkSource(locked));
      expect(unreadable.message).toMatch(/permission/);
    }
  });

  it('engine.addUpload rejects a bad source before anything is queued or staged', async () => {
    fx.engine = await openUploadEngine(fx.dataDir);
    const err = await failureOf(fx.engine.addUpload({ sourcePath: fx.dir, url: 'http://127.0.0.1:9/x' }));
    expect(err.error.code).toBe('SOURCE_UNREADABLE');
    expect(fx.engine.list()).toHaveLength(0);
    expect(await exists(path.join(fx.dataDir, 'staging-area'))).toBe(false);
  });
});

describe('free space', () => {
  it('the decision: size + margin must fit', () => {
    expect(stagingSpaceError(10_000_000_000, 1_000_000)).toBeUndefined();
    expect(stagingSpaceError(1_000_000 + STAGING_MARGIN_BYTES, 1_000_000)).toBeUndefined();
    const short = stagingSpaceError(1_000_000 + STAGING_MARGIN_BYTES - 1, 1_000_000);
    expect(short).toMatchObject({ code: 'NO_SPACE_FOR_STAGING', retryable: false });
    expect(short?.message).toMatch(/needs 65\.0 MiB/);
    expect(stagingSpaceError(5 * 1024 ** 3, 5 * 1024 ** 3)?.code).toBe('NO_SPACE_FOR_STAGING');
  });

  it('refuses before copying when the data folder is short of space', async () => {
    const src = path.join(fx.dir, 'big.bin');
    await writeFile(src, randomBytes(100_000, 1));
    const err = await failureOf(
      stageCopy({ dataDir: fx.dataDir, transferId: 't1', sourcePath: src, freeBytes: async () => 1000 }),
    );
    expect(err.error.code).toBe('NO_SPACE_FOR_STAGING');
    expect(await readdir(path.join(fx.dataDir, 'staging-area'))).toEqual([]);
  });

  it('engine.addUpload with too little space is refused with NO_SPACE_FOR_STAGING', async () => {
    const src = path.join(fx.dir, 'big.bin');
    await writeFile(src, randomBytes(100_000, 1));
    fx.engine = await openUploadEngine(fx.dataDir, {}, { freeBytes: async () => 50_000 });
    const err = await failureOf(fx.engine.addUpload({ sourcePath: src, url: 'http://127.0.0.1:9/x' }));
    expect(err.error.code).toBe('NO_SPACE_FOR_STAGING');
    expect(fx.engine.list()).toHaveLength(0);
  });
});

describe('staged copy', () => {
  it('records size, source mtime and the SHA-256 of the copy, and leaves the source as it was', async () => {
    const src = path.join(fx.dir, 'doc.pdf');
    const bytes = randomBytes(250_000, 2);
    await writeFile(src, bytes);
    const before = await fileIdentity(src);
    const staged = await stageCopy({ dataDir: fx.dataDir, transferId: 'abc', sourcePath: src });
    expect(staged).toEqual({
      path: path.join(fx.dataDir, 'staging-area', 'abc', 'doc.pdf'),
      size: bytes.length,
      sourceMtimeMs: before.mtimeMs,
      sha256: sha256(bytes),
      cloned: expect.any(Boolean),
    });
    expect(await fileIdentity(src)).toEqual(before);
    expect(sha256(await readFile(staged.path))).toBe(sha256(bytes));
  });

  it('refuses transfer ids that would leave the staging folder', async () => {
    const src = path.join(fx.dir, 'a');
    await writeFile(src, 'a');
    const err = await failureOf(stageCopy({ dataDir: fx.dataDir, transferId: '../escape', sourcePath: src }));
    expect(err.error.code).toBe('INTERNAL');
  });
});

describe('cleanup', () => {
  it('cancel removes the staged copy; retry after cancel stages again', async () => {
    const raw = await startRawReceiver('no-read');
    fx.closers.push(() => raw.close());
    const src = path.join(fx.dir, 'c.bin');
    const bytes = randomBytes(300_000, 3);
    await writeFile(src, bytes);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({ sourcePath: src, url: raw.url('/c') });
    const stagedDir = path.join(fx.dataDir, 'staging-area', added.id);
    expect(await exists(stagedDir)).toBe(true);
    await waitFor(() => raw.requestCount() === 1, 10_000, 'request to start');
    await fx.engine.cancel(added.id);
    expect(fx.engine.get(added.id)?.state).toBe('canceled');
    expect(await exists(stagedDir)).toBe(false);
    expect(await exists(src)).toBe(true);

    raw.setMode('store');
    await fx.engine.retry(added.id);
    expect(await exists(stagedDir)).toBe(true);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received.at(-1)?.sha256).toBe(sha256(bytes));
    expect(await exists(stagedDir)).toBe(false);
  });

  it('remove deletes the staged copy of a failed upload', async () => {
    const raw = await startRawReceiver('fail500');
    fx.closers.push(() => raw.close());
    const src = path.join(fx.dir, 'r.bin');
    await writeFile(src, randomBytes(10_000, 4));
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 0 });
    const added = await fx.engine.addUpload({ sourcePath: src, url: raw.url('/r') });
    await fx.engine.waitUntilFinished([added.id]);
    const stagedDir = path.join(fx.dataDir, 'staging-area', added.id);
    expect(await exists(stagedDir)).toBe(true);
    await fx.engine.remove(added.id);
    expect(await exists(stagedDir)).toBe(false);
    expect(await exists(src)).toBe(true);
  });

  it('on start, staged copies no record owns are removed; owned ones stay', async () => {
    const raw = await startRawReceiver('fail500');
    fx.closers.push(() => raw.close());
    const src = path.join(fx.dir, 'o.bin');
    await writeFile(src, randomBytes(10_000, 5));
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 0 });
    const failed = await fx.engine.addUpload({ sourcePath: src, url: raw.url('/o') });
    await fx.engine.waitUntilFinished([failed.id]);
    await fx.engine.close();
    const orphan = path.join(fx.dataDir, 'staging-area', 'orphan-id');
    await mkdir(orphan, { recursive: true });
    await writeFile(path.join(orphan, 'left.bin'), 'left over by a crash');

    fx.engine = await openUploadEngine(fx.dataDir);
    expect(await exists(orphan)).toBe(false);
    expect(await exists(path.join(fx.dataDir, 'staging-area', failed.id))).toBe(true);
  });
});

describe('staged copies are private', () => {
  it('makes the staged copy 0600 in a 0700 folder whatever the source mode (a copy takes the source mode)', async () => {
    const source = path.join(fx.dir, 'shared-doc.txt');
    await writeFile(source, randomBytes(50_000, 5));
    await chmod(source, 0o644);
    const staged = await stageCopy({ dataDir: fx.dataDir, transferId: 't-private', sourcePath: source });
    expect(((await stat(staged.path)).mode & 0o777).toString(8)).toBe('600');
    expect(((await stat(path.dirname(staged.path))).mode & 0o777).toString(8)).toBe('700');
    expect(((await stat(path.join(fx.dataDir, 'staging-area'))).mode & 0o777).toString(8)).toBe('700');
    expect(((await stat(source)).mode & 0o777).toString(8)).toBe('644'); // the source is never touched
  });
});
