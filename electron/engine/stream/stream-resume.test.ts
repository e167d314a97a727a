// A stream paused, or its engine closed, halfway: the next attempt fetches only what is missing
// (segments cut off mid-body continue with a range), so nginx sends little more than the stream.
// nginx caps each connection at 1 MiB/s, so the ramp opens several and the pause lands mid-way.
// The rate is paced evenly (64 KiB every 62 ms), as over a real link: limit_rate alone pushes a
// second's worth into socket buffers at once, and a pause right after such a burst lost up to
// 1 MiB per connection that Ferry had not read yet (1.21-1.24x sent in some runs).
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait';
import { bytesOf, decodeErrors, ffmpegMissing, probe } from '../../../test-support/stream-fixtures';
import { accessLog, errorOf, logLines, StreamTestKit } from '../../../test-support/stream-test-kit';
import type { TransferView } from '../../../shared/transfer';

const skip = ffmpegMissing();
const kit = new StreamTestKit();
let streamBytes = 0;
/** Access log lines before the current test. */
let since = 0;

beforeAll(async () => {
  if (skip) return;
  await kit.startServers({ limitRate: '1m', sendChunk: '64k' });
  streamBytes = await bytesOf(await kit.fixtures.get('heavy'), /\.ts$/);
}, 60_000);
afterAll(async () => {
  await kit.stopServers();
});
beforeEach(async () => {
  if (!skip) since = await logLines(kit.plain);
});
afterEach(async () => {
  await kit.closeEngine();
});

async function segmentRequests(): Promise<Map<string, { count: number; bytes: number }>> {
  const counts = new Map<string, { count: number; bytes: number }>();
  for (const row of await accessLog(kit.plain, since)) {
    if (!row.path.endsWith('.ts')) continue;
    const entry = counts.get(row.path) ?? { count: 0, bytes: 0 };
    counts.set(row.path, { count: entry.count + 1, bytes: entry.bytes + row.bytes });
  }
  return counts;
}

async function halfway(id: string): Promise<TransferView> {
  await until(() => (kit.engine.get(id)?.progress.bytesDone ?? 0) > streamBytes * 0.45, 'half the stream', 60_000);
  return kit.engine.get(id)!;
}

async function checkResult(view: TransferView): Promise<void> {
  expect(view.state, errorOf(view)).toBe('completed');
  const facts = await probe(view.download!.filePath!);
  expect(Math.abs(facts.durationSeconds - 30)).toBeLessThanOrEqual(0.5);
  expect(await decodeErrors(view.download!.filePath!)).toBe('');
  const requests = await segmentRequests();
  const sent = [...requests.values()].reduce((sum, r) => sum + r.bytes, 0);
  console.log(`sent / stream after an interruption: ${(sent / streamBytes).toFixed(3)}`);
  expect(sent / streamBytes).toBeLessThanOrEqual(1.2);
  expect(requests.size).toBe(15);
}

describe.skipIf(skip)(`a stream interrupted halfway (${skip ?? 'ffmpeg found'})`, () => {
  it('pause and resume fetch the missing segments only', async () => {
    // Fewer connections than the 15 segments (the default 16 fetches them all at once), so that at
    // the pause some segments are complete and others cut off mid-body.
    await kit.openEngine({ connections: 8 });
    const added = await kit.engine.addDownload({ url: `${kit.plain.baseUrl}/heavy/index.m3u8`, directory: kit.dir });
    const before = await halfway(added.id);
    expect(before.download?.connections ?? 1).toBeGreaterThan(1);
    await kit.engine.pause(added.id);
    const paused = kit.engine.get(added.id)!;
    const done = paused.download!.stream!.segmentsDone;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(15);
    const requestsAtPause = await segmentRequests();
    await kit.engine.resume(added.id);
    const [view] = await kit.engine.waitUntilFinished([added.id]);
    await checkResult(view!);
    // Segments complete at the pause were not asked for again.
    const after = await segmentRequests();
    const again = [...requestsAtPause.entries()].filter(([p, r]) => r.bytes > 0 && after.get(p)!.count > r.count);
    expect(again.length).toBeLessThanOrEqual(16); // at most the ones in flight
    expect(view!.download!.stream).toMatchObject({ segmentsDone: 15, segmentsTotal: 15 });
  }, 120_000);

  it('a closed engine continues the stream when it opens again', async () => {
    await kit.openEngine();
    const added = await kit.engine.addDownload({ url: `${kit.plain.baseUrl}/heavy/index.m3u8`, directory: kit.dir, fileName: 'heavy-quit.mp4' });
    await halfway(added.id);
    await kit.closeEngine(false);
    await kit.openEngine({ fresh: false });
    const [view] = await kit.engine.waitUntilFinished([added.id]);
    expect(view!.name).toBe('heavy-quit.mp4');
    await checkResult(view!);
    expect(view!.log.some((l) => /starting over/.test(l.message))).toBe(false);
  }, 120_000);

  it('a stream that changed on the server meanwhile starts over instead of splicing two streams', async () => {
    const root = await kit.fixtures.root();
    const playlist = path.join(root, 'heavy', 'index.m3u8');
    const original = await readFile(playlist, 'utf8');
    try {
      await kit.openEngine();
      const added = await kit.engine.addDownload({ url: `${kit.plain.baseUrl}/heavy/index.m3u8`, directory: kit.dir });
      await halfway(added.id);
      await kit.engine.pause(added.id);
      // The same segments in another order: another stream as far as the bytes on disk go.
      const lines = original.split('\n');
      const first = lines.indexOf('s000.ts');
      [lines[first], lines[first + 2]] = [lines[first + 2]!, lines[first]!];
      await writeFile(playlist, lines.join('\n'));
      await kit.engine.resume(added.id);
      const [view] = await kit.engine.waitUntilFinished([added.id]);
      expect(view!.state, errorOf(view!)).toBe('completed');
      expect(view!.log.some((l) => /not the one the segments on disk belong to; starting over/.test(l.message))).toBe(true);
      expect(await kit.files()).toEqual(['heavy.mp4']);
    } finally {
      await writeFile(playlist, original);
    }
  }, 120_000);
});
