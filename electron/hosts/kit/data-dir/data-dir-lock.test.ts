import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test-support/files';
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
  expect((await readFile(path.join(dir, 'cli.lock'), 'utf8')).split(' ')[0]).toBe(String(process.pid));
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

/** Two real processes, each answering one line per "go" (test-support/lock-racer.ts). */
function startRacer(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test-support/lock-racer.ts'), dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else answers.push(line);
    }
  });
  return {
    go: () => child.stdin!.write('go\n'),
    answer: () => (answers.length ? Promise.resolve(answers.shift()!) : new Promise<string>((resolve) => waiters.push(resolve))),
    stop: () => new Promise((resolve) => child.once('exit', resolve).stdin!.end()),
  };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

it('two processes racing for a stale lock never both hold it, and neither deletes the other\'s', async () => {
  const racers = [startRacer(dir), startRacer(dir)];
  const stale = await deadPid();
  const heldBy = [0, 0];
  try {
    for (let round = 0; round < 150; round++) {
      // Every other round starts from a stale lock (a killed ferry), the rest from none.
      if (round % 2 === 0) await writeFile(path.join(dir, 'cli.lock'), round % 4 === 0 ? String(stale) : `${stale} old${round}`);
      for (const racer of racers) racer.go();
      const answers = await Promise.all(racers.map((racer) => racer.answer()));
      answers.forEach((answer, i) => answer === 'held' && heldBy[i]!++);
      expect(answers.filter((a) => a.startsWith('violation'))).toEqual([]);
      expect(answers).toContain('held');
      // Both released: nothing of theirs is left behind.
      expect(await readdir(dir)).toEqual([]);
    }
  } finally {
    await Promise.all(racers.map((racer) => racer.stop()));
  }
  // Both processes really competed: each got the lock in some rounds.
  expect(Math.min(...heldBy)).toBeGreaterThan(0);
}, 120_000);

it('release leaves alone a lock that another process holds now', async () => {
  const first = await lockDataDir(dir);
  expect(first.ok).toBe(true);
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    // As if our lock had been taken over while we were frozen: another live process holds it.
    await writeFile(path.join(dir, 'cli.lock'), `${holder.pid} theirs`);
    if (first.ok) await first.release();
    expect(await readFile(path.join(dir, 'cli.lock'), 'utf8')).toBe(`${holder.pid} theirs`);
  } finally {
    holder.kill();
  }
});
