// The background staging copy (with its SHA-256), the queue that bounds how many run, and the
// body reader that never reads past what the copy has written.
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { TransferFailure } from '../types';
import { meteredStream } from './metered-read';
import { MAX_PARALLEL_STAGING, StagingJob, StagingQueue } from './staging-job';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('ferry-copy-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('StagingJob', () => {
  it('copies the source byte for byte, hashes it, and lets waiters through once it is copied', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 17, 31);
    const src = path.join(dir, 'src.bin');
    await writeFile(src, bytes);
    const job = new StagingJob({ source: src, target: path.join(dir, 'staged.bin'), size: bytes.length });
    job.start();
    await job.waitFor(5 * 1024 * 1024);
    expect(job.copied).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(await job.done).toBe(sha256(bytes));
    expect(job.copied).toBe(bytes.length);
    expect(sha256(await readFile(path.join(dir, 'staged.bin')))).toBe(sha256(bytes));
  });

  it('a reader is let through only once the whole copy is made and checked', async () => {
    const size = 24 * 1024 * 1024 + 5;
    const bytes = randomBytes(size, 33);
    const src = path.join(dir, 'big.bin');
    await writeFile(src, bytes);
    const { mtimeMs } = await stat(src);
    const target = path.join(dir, 'staged.bin');
    const job = new StagingJob({ source: src, target, size, sourceMtimeMs: mtimeMs });
    job.start();
    await job.waitFor(1);
    expect(job.copied).toBe(size);
    expect(sha256(await readFile(target))).toBe(sha256(bytes));
    expect(await job.done).toBe(sha256(bytes));
  });

  it('copies a read-only source again over its own read-only partial copy (crash, then re-stage)', async () => {
    const bytes = randomBytes(3_000_000, 34);
    const src = path.join(dir, 'readonly.bin');
    await writeFile(src, bytes);
    await chmod(src, 0o444);
    const target = path.join(dir, 'staged.bin');
    await writeFile(target, bytes.subarray(0, 1000));
    await chmod(target, 0o444);
    const job = new StagingJob({ source: src, target, size: bytes.length });
    job.start();
    expect(await job.done).toBe(sha256(bytes));
    expect(sha256(await readFile(target))).toBe(sha256(bytes));
    await chmod(src, 0o644);
  });

  it('hash-only jobs (cloned copies) hash without writing', async () => {
    const bytes = randomBytes(100_000, 32);
    const staged = path.join(dir, 'cloned.bin');
    await writeFile(staged, bytes);
    const job = new StagingJob({ source: staged, size: bytes.length });
    job.start();
    expect(await job.done).toBe(sha256(bytes));
  });

  it('a source shorter than it was when checked fails the copy and its waiters', async () => {
    const src = path.join(dir, 'short.bin');
    await writeFile(src, randomBytes(1000, 1));
    const job = new StagingJob({ source: src, target: path.join(dir, 'staged.bin'), size: 5000 });
    job.start();
    await expect(job.done).rejects.toMatchObject({ error: { code: 'SOURCE_UNREADABLE', message: expect.stringMatching(/shorter/) } });
    await expect(job.waitFor(5000)).rejects.toBeInstanceOf(TransferFailure);
    expect(job.failed).toBe(true);
  });

  it('a source modified while it was copied fails the copy instead of passing on a torn one', async () => {
    const src = path.join(dir, 'edited.bin');
    await writeFile(src, randomBytes(3_000_000, 3));
    const { mtimeMs } = await stat(src);
    // The mtime seen when the source was checked differs from the one after copying.
    const job = new StagingJob({ source: src, target: path.join(dir, 'staged.bin'), size: 3_000_000, sourceMtimeMs: mtimeMs - 1000 });
    job.start();
    await expect(job.done).rejects.toMatchObject({ error: { code: 'SOURCE_UNREADABLE', message: expect.stringMatching(/changed while/) } });
    // The last bytes were never released to a reader.
    expect(job.copied).toBeLessThan(3_000_000);
    await expect(job.waitFor(3_000_000)).rejects.toBeInstanceOf(TransferFailure);

    const unchanged = new StagingJob({ source: src, target: path.join(dir, 'staged2.bin'), size: 3_000_000, sourceMtimeMs: mtimeMs });
    unchanged.start();
    await expect(unchanged.done).resolves.toMatch(/^[0-9a-f]{64}$/);
  });

  it('a vanished source is SOURCE_UNREADABLE', async () => {
    const job = new StagingJob({ source: path.join(dir, 'nope.bin'), target: path.join(dir, 'staged.bin'), size: 10 });
    job.start();
    await expect(job.done).rejects.toMatchObject({ error: { code: 'SOURCE_UNREADABLE', message: expect.stringMatching(/disappeared/) } });
  });
});

describe('StagingQueue', () => {
  it(`runs at most ${MAX_PARALLEL_STAGING} jobs in the background, starts one an upload needs at once; cancel rejects only that one`, async () => {
    const queue = new StagingQueue();
    const files = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const bytes = randomBytes(2_000_000 + i, 20 + i);
        const source = path.join(dir, `s${i}.bin`);
        await writeFile(source, bytes);
        return { source, target: path.join(dir, `t${i}.bin`), size: bytes.length, digest: sha256(bytes) };
      }),
    );
    const jobs = files.map((f, i) => queue.add(`t${i}`, f));
    expect(jobs.map((j) => j.started)).toEqual([true, true, false, false, false]);
    queue.need('t4');
    expect(jobs.map((j) => j.started)).toEqual([true, true, false, false, true]);
    await queue.cancel('t3');
    await expect(jobs[3]!.done).rejects.toThrow(/canceled/);
    await jobs[0]!.done;
    await jobs[1]!.done;
    await jobs[4]!.done;
    await new Promise((r) => setTimeout(r, 0));
    expect(jobs[2]!.started).toBe(true);
    const digests = await Promise.all([0, 1, 2, 4].map((i) => jobs[i]!.done));
    expect(digests).toEqual([0, 1, 2, 4].map((i) => files[i]!.digest));
  });
});

describe('meteredStream over a copy in progress', () => {
  it('never reads bytes the copy has not reached', async () => {
    const size = 5 * 1024 * 1024;
    const file = path.join(dir, 'growing.bin');
    await writeFile(file, randomBytes(size, 2));
    // A stand-in for a copy in progress: bytes become available when the test says so.
    let availableUpTo = 0;
    const asked: number[] = [];
    let release: () => void = () => {};
    const available = async (offset: number) => {
      asked.push(offset);
      while (offset > availableUpTo) await new Promise<void>((resolve) => (release = resolve));
    };
    const controller = new AbortController();
    const stream = meteredStream(file, 0, size, { signal: controller.signal, throttle: async () => {}, onBytes: () => {}, available });
    let received = 0;
    stream.on('data', (chunk: Buffer) => (received += chunk.length));
    const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toBe(0);
    availableUpTo = 2 * 1024 * 1024;
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toBe(2 * 1024 * 1024);
    availableUpTo = size;
    release();
    await ended;
    expect(received).toBe(size);
    expect(Math.max(...asked)).toBe(size);
  });
});
