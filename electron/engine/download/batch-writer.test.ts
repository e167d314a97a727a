// The batch writer on a real file: bytes land at their offsets however chunks and batches line up,
// chunks are copied (the caller may reuse them at once), a failed write fails every later one,
// dropped bytes never reach the file, held bytes go out at once when a checkpoint asks, and
// finished writers' buffers are reused.
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { BatchWriter, batchBytesFor } from './batch-writer';

let tmp: string;
let handle: FileHandle;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-batch-');
  handle = await open(path.join(tmp, 'x.part'), 'w+');
});
afterEach(async () => {
  await handle.close().catch(() => undefined);
  await removeDir(tmp);
});

function pattern(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

async function pushAll(writer: BatchWriter, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    const wait = writer.push(chunk);
    if (wait) await wait;
  }
  await writer.drain();
}

describe('BatchWriter', () => {
  it('writes every byte at its offset for chunks smaller, equal to and larger than a batch', async () => {
    const batch = 4096;
    const expected = pattern(100_000, 3);
    const chunks: Buffer[] = [];
    const sizes = [1, 4095, 4096, 10_000, 7, 4097, 30_000];
    for (let at = 0, i = 0; at < expected.length; i++) {
      const size = Math.min(sizes[i % sizes.length]!, expected.length - at);
      chunks.push(expected.subarray(at, at + size));
      at += size;
    }
    let reported = 0;
    const writer = new BatchWriter(handle, 500, (n) => (reported += n), batch);
    await pushAll(writer, chunks);
    const file = await readFile(path.join(tmp, 'x.part'));
    expect(file.subarray(500).equals(expected)).toBe(true);
    expect(writer.written).toBe(500 + expected.length);
    expect(reported).toBe(expected.length);
  });

  it('copies chunks: a caller reusing its buffer right after push does not change the file', async () => {
    const writer = new BatchWriter(handle, 0, undefined, 1024);
    const scratch = Buffer.alloc(100, 1);
    writer.push(scratch);
    scratch.fill(9);
    writer.push(scratch);
    await writer.drain();
    const file = await readFile(path.join(tmp, 'x.part'));
    expect([...file.subarray(0, 100)].every((b) => b === 1)).toBe(true);
    expect([...file.subarray(100, 200)].every((b) => b === 9)).toBe(true);
  });

  it('writes gathered bytes after a short hold when no more come', async () => {
    const writer = new BatchWriter(handle, 0, undefined, 1 << 20);
    expect(writer.push(Buffer.from('hello'))).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(writer.written).toBe(5);
    expect((await readFile(path.join(tmp, 'x.part'), 'utf8'))).toBe('hello');
  });

  it('writes gathered bytes at once on writeHeld(), before the hold is over (a checkpoint counts them)', async () => {
    const writer = new BatchWriter(handle, 0, undefined, 1 << 20);
    expect(writer.push(Buffer.from('hello'))).toBeUndefined();
    await writer.writeHeld();
    expect(writer.written).toBe(5);
    expect(await readFile(path.join(tmp, 'x.part'), 'utf8')).toBe('hello');
    // Nothing gathered: resolves without a write; later bytes still go out after the hold.
    await writer.writeHeld();
    writer.push(Buffer.from(' world'));
    await writer.drain();
    expect(await readFile(path.join(tmp, 'x.part'), 'utf8')).toBe('hello world');
  });

  it('drops gathered bytes on drop(): they never reach the file', async () => {
    const writer = new BatchWriter(handle, 0, undefined, 1 << 20);
    writer.push(Buffer.from('never'));
    await writer.settle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(writer.written).toBe(0);
    expect((await readFile(path.join(tmp, 'x.part'))).length).toBe(0);
  });

  it('fails every later push and drain after a write failed', async () => {
    const readOnly = await open(path.join(tmp, 'x.part'), 'r');
    const writer = new BatchWriter(readOnly, 0, undefined, 16);
    // The full batch is written while the caller goes on (double buffering): the failure shows at
    // the next drain and in every push after it.
    await writer.push(Buffer.alloc(16));
    await expect(writer.drain()).rejects.toThrow();
    await expect(Promise.resolve(writer.push(Buffer.alloc(1)))).rejects.toThrow();
    // A checkpoint asking for held bytes is not where the failure is reported (the reader is).
    await expect(writer.writeHeld()).resolves.toBeUndefined();
    await readOnly.close();
  });

  it('gives its buffers to the next writer once released', async () => {
    const first = new BatchWriter(handle, 0, undefined, 8192);
    await pushAll(first, [pattern(8192, 1), pattern(8192, 2)]);
    const used = (first as unknown as { fill?: Buffer; other?: Buffer });
    const buffers = [used.fill, used.other].filter(Boolean);
    expect(buffers.length).toBe(2);
    first.release();
    const second = new BatchWriter(handle, 16_384, undefined, 8192);
    await pushAll(second, [pattern(8192, 3)]);
    const now = (second as unknown as { fill?: Buffer; other?: Buffer });
    expect(buffers).toContain(now.other ?? now.fill);
  });

  it('sizes range batches from the connection count: 256 KiB with few, smaller with many, never tiny', () => {
    expect(batchBytesFor(1)).toBe(256 << 10);
    expect(batchBytesFor(8)).toBe(256 << 10);
    expect(batchBytesFor(16)).toBe(128 << 10);
    expect(batchBytesFor(32)).toBe(128 << 10);
  });
});
