import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { lockDataDir } from './data-dir-lock';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('ferry-lock-');
});
afterEach(async () => {
  await removeDir(dir);
});

it('one holder at a time; released locks can be taken again', async () => {
  const first = await lockDataDir(dir);
  expect(first.ok).toBe(true);
  expect(await readFile(path.join(dir, 'cli.lock'), 'utf8')).toBe(String(process.pid));
  // A live process (not us) holding the lock refuses the next one.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await writeFile(path.join(dir, 'cli.lock'), String(holder.pid));
    const second = await lockDataDir(dir);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.message).toContain(`pid ${holder.pid}`);
  } finally {
    holder.kill();
  }
  await new Promise((resolve) => holder.once('exit', resolve));
  // Its owner is gone now (as after SIGKILL): the lock is taken over.
  const third = await lockDataDir(dir);
  expect(third.ok).toBe(true);
  if (third.ok) await third.release();
  const fourth = await lockDataDir(dir);
  expect(fourth.ok).toBe(true);
  if (fourth.ok) await fourth.release();
});
