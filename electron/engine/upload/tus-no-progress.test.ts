// A tus server that answers every PATCH with 204 but never advances Upload-Offset once made
// `ferry put --tus` send 14.6 GB in 60 s for a 6 MiB file. Each such PATCH must end the attempt,
// count against the retry budget and wait its backoff, so the transfer fails after a bounded
// number of bytes with a message that says why.
import { describe, expect, it } from 'vitest';
import { startTusServer } from '../../../test-support/upload-servers';
import { openUploadEngine, useUploadFixture } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();
const MiB = 1024 * 1024;

describe('tus without progress', () => {
  it('a server that never advances Upload-Offset costs the retry budget, not a hot loop', async () => {
    const tus = await startTusServer({ neverAdvanceOffset: true });
    fx.closers.push(() => tus.close());
    const { file } = await fx.sourceFile('six.bin', 6 * MiB);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 2, retryBaseMs: 40, retryMaxMs: 80 });
    const started = Date.now();
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.message).toMatch(/did not advance Upload-Offset/);
    expect(done?.error?.message).toMatch(/gave up after 3 attempts without progress/);
    // One PATCH per attempt (1 + 2 retries), each of one 1 MiB chunk: nothing like a loop.
    expect(tus.patchOffsets).toEqual([0, 0, 0]);
    expect(tus.bytesReceived()).toBeLessThan(3 * MiB + 64 * 1024);
    // Each retry waited its backoff (at least half the base: equal jitter), twice.
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40);
  });
});
