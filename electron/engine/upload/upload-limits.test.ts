// Speed limits, progress and memory: uploads go through the engine's limiter chunk by chunk,
// report progress in file bytes, and stream from disk without holding the file in memory.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomBytes, writeRandomFile } from '../../../test-support/files';
import { startMultipartReceiver, startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import { openUploadEngine, useUploadFixture } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

describe('upload limits and progress', () => {
  it.each(['raw', 'tus'] as const)('%s honours a per-transfer speed limit and reports progress in file bytes', async (protocol) => {
    const server = protocol === 'raw' ? await startRawReceiver('store') : await startTusServer();
    fx.closers.push(() => server.close());
    const url = 'endpoint' in server ? server.endpoint : server.url('/limited');
    const file = path.join(fx.dir, 'l.bin');
    const size = 1_500_000;
    await writeFile(file, randomBytes(size, 8));
    fx.engine = await openUploadEngine(fx.dataDir, {}, { tusChunkSize: 256 * 1024 });
    const seen: number[] = [];
    const totals = new Set<number | null>();
    fx.engine.on('progress', (_id, p) => {
      seen.push(p.bytesDone);
      totals.add(p.totalBytes);
    });
    const started = Date.now();
    const added = await fx.engine.addUpload({ sourcePath: file, url, protocol, speedLimit: 600_000 });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    const seconds = (Date.now() - started) / 1000;
    expect(done?.state).toBe('completed');
    // 1.5 MB at 600 kB/s: about 2.5 s; allow for the limiter's initial burst.
    expect(seconds).toBeGreaterThan(1.5);
    expect(seen.some((b) => b > 0 && b < size)).toBe(true);
    expect([...totals]).toEqual([size]);
    expect(done?.progress.bytesDone).toBe(size);
  });

  it.each(['raw', 'multipart', 'tus'] as const)('%s: a slow speed limit is not mistaken for a stall', async (protocol) => {
    const server = protocol === 'raw' ? await startRawReceiver('store') : protocol === 'tus' ? await startTusServer() : await startMultipartReceiver();
    fx.closers.push(() => server.close());
    const url = 'endpoint' in server ? server.endpoint : server.url('/slow');
    const file = path.join(fx.dir, 's.bin');
    await writeFile(file, randomBytes(500_000, 9));
    // One read chunk holds the whole file and takes about 2.5 s to be let through: far longer
    // than the stall timeout, yet bytes keep moving at the limit.
    fx.engine = await openUploadEngine(fx.dataDir, { stallTimeoutMs: 800 });
    const added = await fx.engine.addUpload({ sourcePath: file, url, protocol, speedLimit: 200_000 });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.error).toBeUndefined();
    expect(done?.state).toBe('completed');
    expect(done?.attempt).toBe(1);
  });

  it('multipart streams a large file without holding it in memory', async () => {
    const mp = await startMultipartReceiver();
    fx.closers.push(() => mp.close());
    const file = path.join(fx.dir, 'huge.bin');
    const size = 160 * 1024 * 1024;
    await writeRandomFile(file, size);
    fx.engine = await openUploadEngine(fx.dataDir);
    const baseline = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - (baseline.heapUsed + baseline.arrayBuffers));
    }, 20);
    try {
      const added = await fx.engine.addUpload({ sourcePath: file, url: mp.url('/big'), protocol: 'multipart' });
      const [done] = await fx.engine.waitUntilFinished([added.id]);
      expect(done?.state).toBe('completed');
    } finally {
      clearInterval(sampler);
    }
    expect(mp.received[0]?.files[0]?.size).toBe(size);
    // Sender and receiver share this process; both stream, so well under the file's size.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });
});
