// The background staging copy (with its SHA-256), the queue that bounds how many run, and the
// body reader that never reads past what the copy has written.
import { readdirSync, readlinkSync } from 'node:fs';
import { chmod, open, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { until } from '../../../test-support/wait';
import { TransferFailure } from '../types';
import { meteredStream } from './metered-read';
import { MAX_PARALLEL_STAGING, SourceChangedFailure, STAGING_CHUNK_BYTES, StagingJob, StagingQueue } from './staging-job';

let dir: string;

/**
 * Descriptors of this process open on `file` (Linux: /proc/self/fd); a deleted file still counts.
 * Synchronous, so it looks right when the promise it follows resolved, before the thread can catch up.
 */
function openDescriptorsOn(file: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      // closed meanwhile (readdirSync's own descriptor)
    }
    if (target === file || target === `${file} (deleted)`) n++;
  }
  return n;
}

/** A disk the test steps by hand (StagingThreadData.gate): the copy goes past chunk n once n is allowed. */
function steppedDisk() {
  const gate = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const allow = (chunks: number) => {
    Atomics.store(gate, 0, chunks);
    Atomics.notify(gate, 0);
  };
  return { gate, allow, openAll: () => allow(2 ** 31 - 1) };
}

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

  it('lets readers through chunk by chunk as the copy is written, the last chunk only once the copy is complete and checked', async () => {
    const size = 24 * 1024 * 1024 + 5;
    const bytes = randomBytes(size, 33);
    const src = path.join(dir, 'big.bin');
    await writeFile(src, bytes);
    const { mtimeMs } = await stat(src);
    const target = path.join(dir, 'staged.bin');
    // A disk stepped by hand, so the copy is still running while the reader asks.
    const disk = steppedDisk();
    const job = new StagingJob({ source: src, target, size, sourceMtimeMs: mtimeMs, gate: disk.gate });
    job.start();
    await job.waitFor(1);
    expect(job.copied).toBeGreaterThanOrEqual(STAGING_CHUNK_BYTES);
    expect(job.copied).toBeLessThan(size);
    expect(job.sha256).toBeUndefined();
    // Whatever is released is on disk already and equals the source.
    const released = job.copied;
    const head = (await readFile(target)).subarray(0, released);
    expect(head.length).toBe(released);
    expect(head.equals(bytes.subarray(0, released))).toBe(true);
    disk.openAll();
    await job.waitFor(size);
    expect(job.sha256).toBe(sha256(bytes));
    expect(await job.done).toBe(sha256(bytes));
    expect(sha256(await readFile(target))).toBe(sha256(bytes));
  });

  it('a send over a copy in progress never reads past what the copy has written, and gets the source byte for byte', async () => {
    const size = 20 * 1024 * 1024 + 123;
    const bytes = randomBytes(size, 35);
    const src = path.join(dir, 'overlap.bin');
    await writeFile(src, bytes);
    const target = path.join(dir, 'staged.bin');
    // The copy goes one chunk further only when the reader has caught up with it.
    const disk = steppedDisk();
    let allowed = 0;
    const job = new StagingJob({ source: src, target, size, gate: disk.gate });
    job.start();
    const gatePasses: { offset: number; onDisk: number }[] = [];
    const available = async (offset: number, signal: AbortSignal) => {
      while (job.copied < offset) {
        disk.allow(++allowed);
        await job.waitFor(job.copied + 1, signal);
      }
      await job.waitFor(offset, signal);
      gatePasses.push({ offset, onDisk: (await stat(target)).size });
    };
    const stream = meteredStream(target, 0, size, { signal: new AbortController().signal, throttle: async () => {}, onBytes: () => {}, available });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
    expect(gatePasses.length).toBeGreaterThan(5);
    for (const pass of gatePasses) expect(pass.onDisk).toBeGreaterThanOrEqual(pass.offset);
    // The reader started while the copy was still being written.
    expect(gatePasses[0]!.onDisk).toBeLessThan(size);
    await job.done;
  });

  it('a source edited while it is copied fails the job with SourceChangedFailure and never releases its last chunk', async () => {
    const size = 16 * 1024 * 1024;
    const bytes = randomBytes(size, 36);
    const src = path.join(dir, 'edited-mid-copy.bin');
    await writeFile(src, bytes);
    const { mtimeMs } = await stat(src);
    const disk = steppedDisk();
    const job = new StagingJob({ source: src, target: path.join(dir, 'staged.bin'), size, sourceMtimeMs: mtimeMs, gate: disk.gate });
    job.start();
    await job.waitFor(STAGING_CHUNK_BYTES);
    // An edit of bytes the copy has already passed: only the final check could see it.
    const handle = await open(src, 'r+');
    await handle.write(Buffer.from('EDITED'), 0, 6, 10);
    await handle.close();
    disk.openAll();
    const failure = await job.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(SourceChangedFailure);
    expect((failure as SourceChangedFailure).message).toMatch(/changed while Ferry was staging it/);
    expect(job.copied).toBeLessThan(size);
    expect(job.sha256).toBeUndefined();
    await expect(job.waitFor(size)).rejects.toBeInstanceOf(SourceChangedFailure);
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

  it('a source shorter than it was when checked fails the copy and its waiters as changed', async () => {
    const src = path.join(dir, 'short.bin');
    await writeFile(src, randomBytes(1000, 1));
    const job = new StagingJob({ source: src, target: path.join(dir, 'staged.bin'), size: 5000 });
    job.start();
    await expect(job.done).rejects.toBeInstanceOf(SourceChangedFailure);
    await expect(job.done).rejects.toMatchObject({ error: { code: 'SOURCE_UNREADABLE', message: expect.stringMatching(/changed while/) } });
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

  it('a cancel mid-copy stops the thread at its next step, and the thread closes both files', async () => {
    const size = 16 * 1024 * 1024;
    const src = path.join(dir, 'canceled.bin');
    await writeFile(src, randomBytes(size, 37));
    const target = path.join(dir, 'staged.bin');
    const disk = steppedDisk(); // never opened: the copy waits after its first chunk until the cancel
    const job = new StagingJob({ source: src, target, size, gate: disk.gate });
    job.start();
    await job.waitFor(STAGING_CHUNK_BYTES);
    await job.cancel();
    await expect(job.done).rejects.toThrow(/canceled/);
    // Stopped by the shared flag (no longer terminated): the thread still closes what it opened.
    expect(openDescriptorsOn(src)).toBe(0);
    expect(openDescriptorsOn(target)).toBe(0);
    expect((await stat(target)).size).toBeLessThan(size);
  });

  it('while an upload reads the copy, its fsync waits: a cancel then ends the thread at once, unsynced', async () => {
    const bytes = randomBytes(3_000_000, 38);
    const src = path.join(dir, 'held.bin');
    await writeFile(src, bytes);
    const target = path.join(dir, 'staged.bin');
    const job = new StagingJob({ source: src, target, size: bytes.length, syncHoldMs: 60_000 });
    job.hold();
    job.start();
    await job.waitFor(bytes.length);
    expect(job.sha256).toBe(sha256(bytes));
    // Complete and checked, but not reported durable: the thread holds its fsync for the upload.
    const durable = await Promise.race([job.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))]);
    expect(durable).toBe(false);
    const started = Date.now();
    await job.cancel();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(openDescriptorsOn(target)).toBe(0);
    expect(sha256(await readFile(target))).toBe(sha256(bytes));
  });

  it('a held copy is made durable at once when its upload ends without success (syncNow), and after the hold anyway', async () => {
    const bytes = randomBytes(3_000_000, 39);
    const src = path.join(dir, 'released.bin');
    await writeFile(src, bytes);
    const released = new StagingJob({ source: src, target: path.join(dir, 'a.bin'), size: bytes.length, syncHoldMs: 60_000 });
    released.hold();
    released.start();
    await released.waitFor(bytes.length);
    released.syncNow();
    expect(await released.done).toBe(sha256(bytes));

    const timedOut = new StagingJob({ source: src, target: path.join(dir, 'b.bin'), size: bytes.length, syncHoldMs: 200 });
    timedOut.hold();
    timedOut.start();
    expect(await timedOut.done).toBe(sha256(bytes));
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
    // Each check runs while the reader waits for bytes the copy has not reached (it asked again).
    await until(() => asked.length === 1, 'the first ask');
    expect(received).toBe(0);
    availableUpTo = 2 * 1024 * 1024;
    release();
    await until(() => asked.length === 2, 'the ask past 2 MiB');
    expect(asked[1]).toBeGreaterThan(availableUpTo);
    expect(received).toBe(2 * 1024 * 1024);
    availableUpTo = size;
    release();
    await ended;
    expect(received).toBe(size);
    expect(Math.max(...asked)).toBe(size);
  });
});
