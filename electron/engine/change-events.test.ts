// When 'changed' goes out: the lifecycle decides from what changed (transfer-lifecycle.ts), so a
// listener hears every fact a client sees once, and nothing for re-stated facts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TransferView } from '../../shared/transfer';
import { TransferEngine } from './engine';
import { sleep } from './rate-limiter';
import type { AttemptContext, AttemptResult, TransferWorker } from './types';

let dataDir: string;
let engine: TransferEngine | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-changes-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

function worker(attempt: (ctx: AttemptContext) => Promise<AttemptResult>): TransferWorker {
  return { attempt, async discard() {} };
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await sleep(5);
}

function record(events: TransferView[]): (view: TransferView) => void {
  return (view) => events.push(view);
}

it('a pause while the worker winds down sends one view, with the facts and bytes of its last checkpoint', async () => {
  let stopped = false;
  engine = await TransferEngine.open({
    dataDir,
    workers: {
      download: worker(async (ctx) => {
        let done = 0;
        while (!ctx.signal.aborted) {
          await sleep(5);
          done += 10;
          ctx.progress(done, 1000);
        }
        // Winding down: what it learnt is recorded, then its last bytes reach the disk.
        await ctx.checkpoint({ transfer: { validators: { etag: '"late"' } }, resume: { kind: 'download', totalBytes: 1000, segments: [{ start: 0, end: 1000, done }] } });
        await sleep(20);
        ctx.progress(done + 5, 1000);
        await ctx.checkpoint({ resume: { kind: 'download', totalBytes: 1000, segments: [{ start: 0, end: 1000, done: done + 5 }] } });
        stopped = true;
        return { outcome: 'aborted' };
      }),
    },
  });
  const added = await engine.addDownload({ url: 'http://127.0.0.1:9/p', directory: dataDir });
  await waitFor(() => (engine!.get(added.id)?.progress.bytesDone ?? 0) >= 30);
  const events: TransferView[] = [];
  engine.on('changed', record(events));
  await engine.pause(added.id);
  expect(stopped).toBe(true);
  expect(events.map((v) => v.state)).toEqual(['paused']);
  expect(events[0]!.validators).toEqual({ etag: '"late"' });
  expect(events[0]!.progress.bytesDone).toBe(engine.get(added.id)!.progress.bytesDone);
});

it("a worker's log line goes out with the next view, though nothing else changed", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  engine = await TransferEngine.open({
    dataDir,
    workers: {
      download: worker(async (ctx) => {
        await ctx.checkpoint({ transfer: { validators: { etag: '"v"' } } });
        ctx.log('warn', 'A connection ended: reset; its range goes to another');
        await gate;
        // Re-stated facts: no news by themselves, but the log line is.
        await ctx.checkpoint({ transfer: { validators: { etag: '"v"' } } });
        await ctx.checkpoint({ transfer: { validators: { etag: '"v"' } } });
        return { outcome: 'completed' };
      }),
    },
  });
  const events: TransferView[] = [];
  engine.on('changed', record(events));
  const added = await engine.addDownload({ url: 'http://127.0.0.1:9/l', directory: dataDir });
  await waitFor(() => events.some((v) => v.validators?.etag === '"v"'));
  const before = events.length;
  release();
  await engine.waitUntilFinished([added.id]);
  const after = events.slice(before);
  expect(after.map((v) => v.state)).toEqual(['active', 'completed']);
  expect(after[0]!.log.at(-1)?.message).toMatch(/A connection ended/);
});

it('a command that changes nothing a client sees sends nothing; one that does sends one view', async () => {
  engine = await TransferEngine.open({ dataDir, workers: { download: worker(async () => ({ outcome: 'aborted' })) } });
  const added = await engine.addDownload({ url: 'http://127.0.0.1:9/s', directory: dataDir, paused: true });
  const events: TransferView[] = [];
  engine.on('changed', record(events));
  engine.setTransferSpeedLimit(added.id, 1000);
  engine.setTransferSpeedLimit(added.id, 1000);
  expect(events.map((v) => v.speedLimit)).toEqual([1000]);
  engine.setTransferSpeedLimit(added.id, null);
  expect(events.map((v) => v.speedLimit)).toEqual([1000, null]);
});
