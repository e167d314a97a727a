// A disk that keeps failing stays visible: the policy with a fake clock, then the real engine
// saving into a transfers folder that refuses writes (immutable as root, 0555 otherwise).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Notice } from '../../shared/contract';
import { TransferEngine } from './engine';
import { createSaveFailureReporter } from './save-failure-reporter';
import type { TransferWorker } from './types';

it('reports the first failure, then at most once per interval with a count, and again after a recovery', () => {
  let clock = 0;
  const reports: string[] = [];
  const reporter = createSaveFailureReporter({ report: (level, message) => reports.push(`${level}: ${message}`), repeatMs: 1000, now: () => clock });
  reporter.succeeded();
  expect(reports).toEqual([]);
  reporter.failed(new Error('EIO'));
  clock = 500;
  reporter.failed(new Error('EIO'));
  reporter.failed(new Error('EIO'));
  expect(reports).toEqual(['error: Could not save transfer records: EIO']);
  clock = 1000;
  reporter.failed(new Error('ENOSPC'));
  expect(reports[1]).toBe('error: Could not save transfer records (still failing: 2 more since the last notice): ENOSPC');
  reporter.succeeded();
  reporter.succeeded();
  expect(reports.slice(2)).toEqual(['info: Transfer records are being saved again']);
  clock = 1001; // soon after the recovery: a new failure is news
  reporter.failed(new Error('EROFS'));
  expect(reports[3]).toBe('error: Could not save transfer records: EROFS');
});

const isRoot = process.getuid?.() === 0;
let dataDir: string;
let engine: TransferEngine | undefined;
let transfers: string;
const refuseWrites = () => (isRoot ? execFileSync('chattr', ['+i', transfers]) : execFileSync('chmod', ['0555', transfers]));
const allowWrites = () => (isRoot ? execFileSync('chattr', ['-i', transfers]) : execFileSync('chmod', ['0755', transfers]));

/** A worker that never finishes on its own: the transfers stay put while the test saves. */
const idleWorker: TransferWorker = {
  attempt: (ctx) =>
    new Promise((resolve) => {
      if (ctx.signal.aborted) resolve({ outcome: 'aborted' });
      ctx.signal.addEventListener('abort', () => resolve({ outcome: 'aborted' }));
    }),
  async discard() {},
};

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-savefail-'));
  transfers = path.join(dataDir, 'transfers');
  await mkdir(transfers);
});
afterEach(async () => {
  allowWrites();
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

it('the engine reports a failing disk again after saves worked in between', async () => {
  engine = await TransferEngine.open({ dataDir, workers: { download: idleWorker }, settings: { maxActive: 1 } });
  const notices: Notice[] = [];
  engine.on('notice', (notice) => notices.push(notice));
  const add = (n: number) => engine!.addDownload({ url: `http://127.0.0.1:9/file${n}`, directory: dataDir });
  const errors = () => notices.filter((n) => n.level === 'error');

  refuseWrites();
  await add(1);
  await add(2);
  expect(errors()).toHaveLength(1);
  expect(errors()[0]!.message).toMatch(/^Could not save transfer records: /);

  allowWrites();
  await add(3);
  expect(notices.some((n) => n.level === 'info' && n.message === 'Transfer records are being saved again')).toBe(true);

  refuseWrites();
  await add(4);
  expect(errors()).toHaveLength(2);
});
