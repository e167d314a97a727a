// Benchmark input files under .bench/ (gitignored), made once and reused between runs: a
// 1 GiB file takes seconds to write, and its SHA-256 is remembered beside it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeRandomFile } from '../test-support/files';

export const BENCH_DIR = path.resolve(import.meta.dirname, '..', '.bench');

export interface Fixture {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

export async function ensureFixture(size: number): Promise<Fixture> {
  const name = `fixture-${size}.bin`;
  const dir = path.join(BENCH_DIR, 'fixtures');
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, name);
  const hashPath = `${filePath}.sha256`;
  if (existsSync(filePath) && existsSync(hashPath) && (await stat(filePath)).size === size) {
    return { path: filePath, name, size, sha256: (await readFile(hashPath, 'utf8')).trim() };
  }
  process.stdout.write(`creating ${filePath} (${size} bytes) ... `);
  const sha256 = await writeRandomFile(filePath, size);
  await writeFile(hashPath, `${sha256}\n`);
  process.stdout.write('done\n');
  return { path: filePath, name, size, sha256 };
}
