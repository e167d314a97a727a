// Records on disk from the first format (the facts saved under `view`, as every version before the
// record and the view were told apart wrote them) still load, resume from their resume data, and
// are written in the current format at their next change.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/secret-mask';
import { TransferEngine } from './engine';
import type { AttemptContext, TransferWorker } from './types';

let dataDir: string;
let engine: TransferEngine | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-format-'));
  await mkdir(path.join(dataDir, 'transfers'), { recursive: true });
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** A paused download half-way, exactly as the first format saved it. */
function firstFormatRecord(id: string, order: number): Record<string, unknown> {
  return {
    view: {
      id,
      kind: 'download',
      state: 'paused',
      name: `${id}.bin`,
      url: `http://me:pw@127.0.0.1:9/${id}.bin`,
      createdAt: 1,
      startedAt: 2,
      progress: { bytesDone: 600, totalBytes: 1000, speed: 0, etaSeconds: null },
      attempt: 1,
      speedLimit: null,
      validators: { etag: '"v1"' },
      download: { directory: dataDir, fileName: `${id}.bin`, resumable: true },
      log: [{ at: 2, level: 'info', message: 'queued → active' }],
    },
    resume: { kind: 'download', url: `http://me:pw@127.0.0.1:9/${id}.bin`, etag: '"v1"', totalBytes: 1000, segments: [{ start: 0, end: 1000, done: 600 }] },
    request: { kind: 'download', download: { url: `http://me:pw@127.0.0.1:9/${id}.bin`, directory: dataDir } },
    order,
    attemptsWithoutProgress: 0,
  };
}

function finishingWorker(seen: AttemptContext['record'][]): TransferWorker {
  return {
    async attempt(ctx) {
      seen.push(structuredClone(ctx.record));
      ctx.progress(1000, 1000);
      await ctx.checkpoint({ resume: { kind: 'download', totalBytes: 1000, segments: [{ start: 0, end: 1000, done: 1000 }] } });
      return { outcome: 'completed' };
    },
    async discard() {},
  };
}

it('a first-format record and a first-format batch line load, resume from their data, and are saved in the current format', async () => {
  const transfers = path.join(dataDir, 'transfers');
  await writeFile(path.join(transfers, 'old1.json'), JSON.stringify(firstFormatRecord('old1', 1)));
  await writeFile(path.join(transfers, 'batch-1-00000000.jsonl'), JSON.stringify(firstFormatRecord('old2', 2)));
  const seen: AttemptContext['record'][] = [];
  engine = await TransferEngine.open({ dataDir, workers: { download: finishingWorker(seen) } });

  expect(engine.startupProblems).toEqual([]);
  const listed = engine.list();
  expect(listed.map((v) => [v.id, v.state, v.progress.bytesDone])).toEqual([
    ['old1', 'paused', 600],
    ['old2', 'paused', 600],
  ]);
  expect(listed[0]!.url).toBe(`http://me:${SECRET_MASK}@127.0.0.1:9/old1.bin`);
  expect(listed[0]!.validators).toEqual({ etag: '"v1"' });

  await engine.resume('old1');
  const [done] = await engine.waitUntilFinished(['old1']);
  expect(done!.state).toBe('completed');
  // The worker saw the old record's facts and resume data, with the URL it must send.
  expect(seen[0]!.resume).toMatchObject({ etag: '"v1"', segments: [{ start: 0, end: 1000, done: 600 }] });
  expect(seen[0]!.transfer.url).toBe('http://me:pw@127.0.0.1:9/old1.bin');
  await engine.close();
  engine = undefined;

  const saved = JSON.parse(await readFile(path.join(transfers, 'old1.json'), 'utf8')) as Record<string, { state?: string }>;
  expect(saved.view).toBeUndefined();
  expect(saved.transfer?.state).toBe('completed');
  // The batch line got a file of its own when it was settled.
  expect((await readdir(transfers)).sort()).toEqual(['old1.json', 'old2.json']);
});
