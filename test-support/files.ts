// File helpers for tests and benchmarks.
//
//   const dir = await makeTempDir('ferry-dl-');           // removed by removeDir(dir)
//   const bytes = randomBytes(1_000_000, 7);              // deterministic for a given seed
//   await writeRandomFile(path, 1 << 30);                 // streams in 1 MiB chunks, returns sha256 hex
//   await sha256File(path);  sha256(buffer);              // hex digests
import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

export async function makeTempDir(prefix = 'ferry-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Pseudo-random bytes. With a seed the result is deterministic (xorshift32), so a failing test
 * can be replayed; without one it uses crypto randomness.
 */
export function randomBytes(size: number, seed?: number): Buffer {
  if (seed === undefined) return cryptoRandomBytes(size);
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes `size` random bytes to `filePath` without holding them in memory; returns the sha256. */
export async function writeRandomFile(filePath: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(filePath);
  const chunkSize = 1 << 20;
  for (let written = 0; written < size; written += chunkSize) {
    const chunk = cryptoRandomBytes(Math.min(chunkSize, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}
