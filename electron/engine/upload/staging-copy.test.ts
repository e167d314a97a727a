// The background staging copy, and the body reader that never reads past what it has copied.
import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { TransferFailure } from '../types';
import { meteredStream } from './metered-read';
import { StagingCopy } from './staging-copy';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('ferry-copy-');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('StagingCopy', () => {
  it('copies the source byte for byte and lets waiters through as it goes', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 17, 31);
    const src = path.join(dir, 'src.bin');
    await writeFile(src, bytes);
    const copy = new StagingCopy(src, path.join(dir, 'staged.bin'), bytes.length);
    await copy.waitFor(5 * 1024 * 1024);
    expect(copy.copied).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    await copy.done;
    expect(copy.copied).toBe(bytes.length);
    expect(sha256(await readFile(path.join(dir, 'staged.bin')))).toBe(sha256(bytes));
  });

  it('a source shorter than it was when checked fails the copy and its waiters', async () => {
    const src = path.join(dir, 'short.bin');
    await writeFile(src, randomBytes(1000, 1));
    const copy = new StagingCopy(src, path.join(dir, 'staged.bin'), 5000);
    await expect(copy.done).rejects.toMatchObject({ error: { code: 'SOURCE_UNREADABLE' } });
    await expect(copy.waitFor(5000)).rejects.toBeInstanceOf(TransferFailure);
  });

  it('a vanished source is SOURCE_UNREADABLE', async () => {
    const copy = new StagingCopy(path.join(dir, 'nope.bin'), path.join(dir, 'staged.bin'), 10);
    await expect(copy.done).rejects.toMatchObject({ error: { code: 'SOURCE_UNREADABLE' } });
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
