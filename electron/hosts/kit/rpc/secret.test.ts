import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test-support/files';
import { loadOrCreateRpcSecret, secretPath } from './secret';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('ferry-rpc-secret-');
});
afterEach(async () => {
  await removeDir(dir);
});

it('makes a secret at first run, owner-only, and keeps it', async () => {
  const first = await loadOrCreateRpcSecret(dir);
  expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect((await stat(secretPath(dir))).mode & 0o777).toBe(0o600);
  expect(await loadOrCreateRpcSecret(dir)).toBe(first);
});

it('replaces an empty or damaged secret file instead of running with it', async () => {
  await writeFile(secretPath(dir), '\n', { mode: 0o644 });
  const made = await loadOrCreateRpcSecret(dir);
  expect(made.length).toBeGreaterThanOrEqual(16);
  expect((await readFile(secretPath(dir), 'utf8')).trim()).toBe(made);
  expect((await stat(secretPath(dir))).mode & 0o777).toBe(0o600);
});
