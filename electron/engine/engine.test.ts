// Engine rules that do not depend on a protocol: states, queue limits, retry budget,
// persistence across restarts and corrupt records. Workers here are scripted stand-ins;
// the real download/upload workers are tested against real servers in their own folders.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransferEngine } from './engine';
import { ManualClock, settle } from '../../test-support/manual-clock';
import { sleep } from './rate-limiter';
import type { RecordStore } from './record-store';
import { TransferFailure, type AttemptContext, type AttemptResult, type TransferWorker } from './types';

type Script = (ctx: AttemptContext, attempt: number) => Promise<AttemptResult>;

function scriptedWorker(script: Script): TransferWorker & { attempts: Map<string, number>; discarded: string[] } {
  const attempts = new Map<string, number>();
  const discarded: string[] = [];
  return {
    attempts,
    discarded,
    async attempt(ctx) {
      const n = (attempts.get(ctx.record.transfer.id) ?? 0) + 1;
      attempts.set(ctx.record.transfer.id, n);
      return script(ctx, n);
    },
    async discard(record) {
      discarded.push(record.transfer.id);
    },
  };
}

/** Moves `step` bytes every 10 ms until `total`, honouring abort like a real worker. */
function steadyBytes(total: number, step = 100): Script {
  return async (ctx) => {
    const resume = ctx.record.resume;
    let done = resume.kind === 'download' ? (resume.segments[0]?.done ?? 0) : 0;
    while (done < total) {
      if (ctx.signal.aborted) return { outcome: 'aborted' };
      await sleep(10, ctx.signal);
      done = Math.min(total, done + step);
      ctx.progress(done, total);
      await ctx.checkpoint({ resume: { kind: 'download', totalBytes: total, segments: [{ start: 0, end: total, done }] } });
    }
    return { outcome: 'completed' };
  };
}

/** Records kept in memory only, for tests on a manual clock. */
function memoryStore(): RecordStore {
  return {
    loadAll: async () => ({ records: [], problems: [] }),
    save: async () => {},
    delete: async () => {},
  };
}

let dataDir: string;
let engine: TransferEngine | undefined;
const fast = { retryBaseMs: 5, retryMaxMs: 20 };

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-engine-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('TransferEngine', () => {
  it('runs a transfer through queued → active → completed and emits each state once', async () => {
    // Checkpoints repeat the same view facts (as a real worker re-states its validators): none of
    // them is a change, so none may reach listeners as one.
    const worker = scriptedWorker(async (ctx) => {
      for (let done = 100; done <= 500; done += 100) {
        ctx.progress(done, 500);
        await ctx.checkpoint({
          transfer: { validators: { etag: '"v1"' } },
          resume: { kind: 'download', totalBytes: 500, segments: [{ start: 0, end: 500, done }] },
        });
      }
      return { outcome: 'completed' };
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: worker } });
    const states: string[] = [];
    engine.on('changed', (view) => states.push(view.state));
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/file.bin', directory: dataDir });
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done?.state).toBe('completed');
    expect(done?.progress.bytesDone).toBe(500);
    // The first checkpoint's validators are news (one 'active' view carrying them); repeats are not.
    expect(states).toEqual(['active', 'active', 'completed']);
  });

  it('pause emits one changed event, and no progress with a speed after it', async () => {
    const worker = scriptedWorker(async (ctx) => {
      let done = 0;
      while (!ctx.signal.aborted) {
        await sleep(5, ctx.signal);
        done += 100;
        ctx.progress(done, 1_000_000);
      }
      // Winding down like a real worker: final bytes made durable, facts re-stated.
      ctx.progress(done + 50, 1_000_000);
      await ctx.checkpoint({ transfer: { validators: {} }, resume: { kind: 'download', totalBytes: 1_000_000, segments: [{ start: 0, end: 1_000_000, done: done + 50 }] } });
      return { outcome: 'aborted' };
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: worker } });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/p', directory: dataDir });
    await sleep(250);
    const events: Array<{ type: string; state?: string; speed: number; bytes: number }> = [];
    engine.on('changed', (v) => events.push({ type: 'changed', state: v.state, speed: v.progress.speed, bytes: v.progress.bytesDone }));
    engine.on('progress', (_id, p) => events.push({ type: 'progress', speed: p.speed, bytes: p.bytesDone }));
    await engine.pause(view.id);
    await sleep(150);
    const changed = events.filter((e) => e.type === 'changed');
    expect(changed.map((e) => e.state)).toEqual(['paused']);
    // It carries the bytes written while winding down, and no speed.
    expect(changed[0]!.speed).toBe(0);
    expect(changed[0]!.bytes).toBe(engine.get(view.id)!.progress.bytesDone);
    const firstPaused = events.findIndex((e) => e.type === 'changed');
    expect(events.slice(firstPaused).filter((e) => e.type === 'progress')).toEqual([]);
    expect(engine.get(view.id)!.progress.speed).toBe(0);
  });

  it('never runs more than maxActive transfers at once, nor more than maxPerHost per host', async () => {
    let concurrent = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let peakPerHost = 0;
    const worker = scriptedWorker(async (ctx) => {
      const host = new URL(ctx.record.transfer.url).host;
      concurrent += 1;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
      peak = Math.max(peak, concurrent);
      peakPerHost = Math.max(peakPerHost, perHost.get(host)!);
      await sleep(30);
      concurrent -= 1;
      perHost.set(host, perHost.get(host)! - 1);
      return { outcome: 'completed' };
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: worker }, settings: { maxActive: 3, maxPerHost: 2 } });
    // One batch: all ten are queued before the first runs, so the limits (not a busy machine's
    // slow adds, which let early ones finish first) decide how many run together.
    const views = await engine.addDownloads(Array.from({ length: 10 }, (_, i) => ({ url: `http://127.0.0.${1 + (i % 2)}:9/f${i}`, directory: dataDir })));
    const finished = await engine.waitUntilFinished(views.map((v) => v.id));
    expect(finished.every((v) => v.state === 'completed')).toBe(true);
    expect(peak).toBe(3);
    expect(peakPerHost).toBe(2);
  });

  it('starts transfers in queue order, and reorder changes that order', async () => {
    const started: string[] = [];
    const worker = scriptedWorker(async (ctx) => {
      started.push(ctx.record.transfer.name);
      if (ctx.record.transfer.name === 'blocker') {
        // Holds the only slot until removed, so the others wait in the queue.
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        return { outcome: 'aborted' };
      }
      return { outcome: 'completed' };
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: worker }, settings: { maxActive: 1 } });
    const blocker = await engine.addDownload({ url: 'http://127.0.0.1:9/blocker', directory: dataDir });
    const a = await engine.addDownload({ url: 'http://127.0.0.1:9/a', directory: dataDir });
    const b = await engine.addDownload({ url: 'http://127.0.0.1:9/b', directory: dataDir });
    const c = await engine.addDownload({ url: 'http://127.0.0.1:9/c', directory: dataDir });
    expect(engine.get(a.id)?.state).toBe('queued');
    engine.reorder(c.id, 0);
    expect(engine.list().map((v) => v.name)).toEqual(['c', 'blocker', 'a', 'b']);
    await engine.remove(blocker.id);
    await engine.waitUntilFinished([a.id, b.id, c.id]);
    expect(started).toEqual(['blocker', 'c', 'a', 'b']);
  });

  it('retries failures that make progress beyond the retry budget, and fails after maxRetries without progress', async () => {
    // Breaks after every 100 bytes but keeps delivering: must finish despite 10 failures > maxRetries.
    const progressing = scriptedWorker(async (ctx, n) => {
      const done = n * 100;
      await ctx.checkpoint({ resume: { kind: 'download', totalBytes: 1000, segments: [{ start: 0, end: 1000, done }] } });
      if (done < 1000) throw new TransferFailure({ code: 'NETWORK', message: 'connection reset', retryable: true });
      return { outcome: 'completed' };
    });
    // On a manual clock with real-sized backoff (1 s base): nothing here sleeps in real time.
    const clock = new ManualClock();
    const patient = { retryBaseMs: 1000, retryMaxMs: 60_000, maxRetries: 2 };
    // Records in memory: a real fsync finishes in real time, which a manual clock does not wait for.
    engine = await TransferEngine.open({ dataDir, clock, store: memoryStore(), workers: { download: progressing }, settings: patient });
    const ok = await engine.addDownload({ url: 'http://127.0.0.1:9/ok', directory: dataDir });
    // Each failure made progress, so each wait is the first step of the backoff: 0.5 to 1 s.
    for (let i = 0; i < 9; i++) await clock.advance(1000);
    const okDone = engine.get(ok.id);
    expect(okDone?.state).toBe('completed');
    expect(okDone?.attempt).toBe(10);
    await engine.close();

    const stuck = scriptedWorker(async () => {
      throw new TransferFailure({ code: 'HTTP_STATUS', status: 503, message: 'Server says 503 Service Unavailable', retryable: true });
    });
    engine = await TransferEngine.open({ dataDir, clock, store: memoryStore(), workers: { download: stuck }, settings: patient });
    const bad = await engine.addDownload({ url: 'http://127.0.0.1:9/bad', directory: dataDir });
    await settle();
    // Each wait is a backoff step with equal jitter: 0.5-1 s after the first failure, 1-2 s after
    // the second; the transfer says when, and nothing starts a millisecond earlier.
    for (const [attempts, low, high] of [[1, 500, 1000], [2, 1000, 2000]] as const) {
      expect(stuck.attempts.get(bad.id)).toBe(attempts);
      const wait = engine.get(bad.id)!.nextRetryAt! - clock.now();
      expect(wait).toBeGreaterThanOrEqual(low);
      expect(wait).toBeLessThanOrEqual(high);
      await clock.advance(wait - 1);
      expect(stuck.attempts.get(bad.id)).toBe(attempts);
      await clock.advance(1);
    }
    expect(stuck.attempts.get(bad.id)).toBe(3);
    const badDone = engine.get(bad.id);
    expect(badDone?.state).toBe('failed');
    expect(badDone?.error?.status).toBe(503);
    expect(badDone?.error?.message).toMatch(/gave up after 3 attempts without progress/);
  });

  it('does not retry errors that are not retryable', async () => {
    const worker = scriptedWorker(async () => {
      throw new TransferFailure({ code: 'HTTP_STATUS', status: 404, message: 'Server says 404 Not Found', retryable: false });
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: worker }, settings: fast });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/missing', directory: dataDir });
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error).toMatchObject({ code: 'HTTP_STATUS', status: 404, message: 'Server says 404 Not Found' });
    expect(worker.attempts.get(view.id)).toBe(1);
  });

  it('waits at least the Retry-After a failure carries, without holding a slot', async () => {
    const clock = new ManualClock();
    const worker = scriptedWorker(async (_ctx, n) => {
      if (n === 1) throw new TransferFailure({ code: 'HTTP_STATUS', status: 503, message: '503', retryable: true }, 400);
      return { outcome: 'completed' };
    });
    engine = await TransferEngine.open({ dataDir, clock, workers: { download: worker }, settings: fast });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/later', directory: dataDir });
    await settle();
    const waiting = engine.get(view.id)!;
    expect(waiting).toMatchObject({ state: 'queued', attempt: 2, nextRetryAt: clock.now() + 400, error: { status: 503 } });
    await clock.advance(399);
    expect(worker.attempts.get(view.id)).toBe(1);
    await clock.advance(1);
    expect(worker.attempts.get(view.id)).toBe(2);
    expect(engine.get(view.id)?.state).toBe('completed');
    expect(engine.get(view.id)?.nextRetryAt).toBeUndefined();
  });

  it('pause stops the worker and keeps resume data; resume continues from it', async () => {
    const worker = scriptedWorker(steadyBytes(2000, 50));
    engine = await TransferEngine.open({ dataDir, workers: { download: worker } });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/p', directory: dataDir });
    await sleep(100);
    await engine.pause(view.id);
    const paused = engine.get(view.id)!;
    expect(paused.state).toBe('paused');
    const bytesAtPause = paused.progress.bytesDone;
    expect(bytesAtPause).toBeGreaterThan(0);
    expect(bytesAtPause).toBeLessThan(2000);
    await sleep(60);
    expect(engine.get(view.id)!.progress.bytesDone).toBe(bytesAtPause);
    await engine.resume(view.id);
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done?.state).toBe('completed');
    expect(worker.attempts.get(view.id)).toBe(2);
  });

  it('cancel asks the worker to discard its partial data; retry starts again', async () => {
    const worker = scriptedWorker(steadyBytes(5000, 50));
    engine = await TransferEngine.open({ dataDir, workers: { download: worker } });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/c', directory: dataDir });
    await sleep(50);
    await engine.cancel(view.id);
    expect(engine.get(view.id)?.state).toBe('canceled');
    expect(worker.discarded).toEqual([view.id]);
    await engine.retry(view.id);
    expect(engine.get(view.id)?.state).toMatch(/queued|active/);
    await engine.remove(view.id);
    expect(engine.get(view.id)).toBeUndefined();
  });

  it('rejects invalid state changes with a readable error and no change', async () => {
    engine = await TransferEngine.open({ dataDir, workers: { download: scriptedWorker(steadyBytes(10, 10)) } });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/x', directory: dataDir });
    await engine.waitUntilFinished([view.id]);
    const before = engine.get(view.id)!;
    let changes = 0;
    engine.on('changed', () => (changes += 1));
    await expect(engine.pause(view.id)).rejects.toThrow('A completed transfer cannot become paused');
    await expect(engine.cancel(view.id)).rejects.toThrow('A completed transfer cannot become canceled');
    expect(engine.get(view.id)).toEqual(before);
    expect(changes).toBe(0);
    await expect(engine.pause('nope')).rejects.toThrow(/No transfer with id nope/);
    await expect(engine.addDownload({ url: 'ftp://127.0.0.1/x', directory: dataDir })).rejects.toThrow(/Only http and https/);
  });

  it('resumes transfers that were active when it was closed, from their checkpoint', async () => {
    const first = scriptedWorker(steadyBytes(3000, 50));
    engine = await TransferEngine.open({ dataDir, workers: { download: first } });
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/r', directory: dataDir });
    await sleep(120);
    await engine.close();
    const saved = JSON.parse(await readFile(path.join(dataDir, 'transfers', `${view.id}.json`), 'utf8'));
    expect(saved.transfer.state).toBe('active');
    const savedDone = saved.resume.segments[0].done;
    expect(savedDone).toBeGreaterThan(0);

    let resumedFrom = -1;
    const second = scriptedWorker(async (ctx, n) => {
      if (n === 1 && ctx.record.resume.kind === 'download') resumedFrom = ctx.record.resume.segments[0]!.done;
      return steadyBytes(3000, 500)(ctx, n);
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: second } });
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done?.state).toBe('completed');
    expect(resumedFrom).toBe(savedDone);
  });

  it('recovers from a corrupt or truncated records file: keeps the good ones, says so, keeps going', async () => {
    engine = await TransferEngine.open({ dataDir, workers: { download: scriptedWorker(steadyBytes(10, 10)) } });
    const good = await engine.addDownload({ url: 'http://127.0.0.1:9/good', directory: dataDir });
    const victim = await engine.addDownload({ url: 'http://127.0.0.1:9/victim', directory: dataDir });
    await engine.waitUntilFinished([good.id, victim.id]);
    await engine.close();
    const dir = path.join(dataDir, 'transfers');
    const victimFile = path.join(dir, `${victim.id}.json`);
    const text = await readFile(victimFile, 'utf8');
    await writeFile(victimFile, text.slice(0, Math.floor(text.length / 2))); // torn write
    await writeFile(path.join(dir, 'garbage.json'), '\u0000\u0000{"view":');
    await writeFile(path.join(dir, 'half.1234.tmp'), '{');
    // Valid JSON of the wrong shape is as corrupt as a torn file.
    const wrongShape = JSON.parse(text);
    wrongShape.transfer.id = 'wrongshape';
    wrongShape.transfer.state = 'exploded';
    await writeFile(path.join(dir, 'wrongshape.json'), JSON.stringify(wrongShape));

    engine = await TransferEngine.open({ dataDir, workers: { download: scriptedWorker(steadyBytes(10, 10)) } });
    expect(engine.list().map((v) => v.id)).toEqual([good.id]);
    expect(engine.startupProblems).toHaveLength(3);
    expect(engine.startupProblems.join('\n')).toMatch(/unreadable.*set aside/);
    const files = await readdir(dir);
    expect(files.filter((f) => f.includes('.corrupt-'))).toHaveLength(3);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    // And it still works.
    const more = await engine.addDownload({ url: 'http://127.0.0.1:9/more', directory: dataDir });
    const [done] = await engine.waitUntilFinished([more.id]);
    expect(done?.state).toBe('completed');
  });

  it('close saves the running transfers only: finished records are not rewritten at every quit', async () => {
    engine = await TransferEngine.open({ dataDir, workers: { download: scriptedWorker(steadyBytes(10, 10)) } });
    const finished = await engine.addDownload({ url: 'http://127.0.0.1:9/done', directory: dataDir });
    await engine.waitUntilFinished([finished.id]);
    const slow = scriptedWorker(steadyBytes(100_000, 10));
    await engine.close();
    engine = await TransferEngine.open({ dataDir, workers: { download: slow } });
    const running = await engine.addDownload({ url: 'http://127.0.0.1:9/running', directory: dataDir });
    await sleep(50);
    const { stat } = await import('node:fs/promises');
    const file = (id: string) => path.join(dataDir, 'transfers', `${id}.json`);
    const before = (await stat(file(finished.id))).mtimeMs;
    const runningBefore = (await stat(file(running.id))).mtimeMs;
    await sleep(20);
    await engine.close();
    expect((await stat(file(finished.id))).mtimeMs).toBe(before);
    expect((await stat(file(running.id))).mtimeMs).toBeGreaterThan(runningBefore);
  });

  it('coalesces progress to about ten events a second per transfer', async () => {
    const worker = scriptedWorker(async (ctx) => {
      for (let i = 1; i <= 500; i++) {
        ctx.progress(i, 500);
        if (i % 50 === 0) await sleep(50);
      }
      return { outcome: 'completed' };
    });
    engine = await TransferEngine.open({ dataDir, workers: { download: worker } });
    let events = 0;
    engine.on('progress', () => (events += 1));
    const started = Date.now();
    const view = await engine.addDownload({ url: 'http://127.0.0.1:9/p', directory: dataDir });
    await engine.waitUntilFinished([view.id]);
    const seconds = (Date.now() - started) / 1000;
    expect(events).toBeGreaterThan(1);
    expect(events).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
  });
});
