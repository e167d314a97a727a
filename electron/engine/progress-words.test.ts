// Issue 18 item 10, engine side: what a transfer's view says after a failed attempt must not
// contradict itself. A raw upload whose server said 500 after the whole body went out waits for its
// retry at 0 % (it sends the whole file again), not at a full bar; a stall's final words are
// "No data for 30 s (gave up after …)", not "…; retrying (gave up after …)".
import { describe, expect, it } from 'vitest';
import { startRawReceiver } from '../../test-support/upload-servers';
import { openUploadEngine, useUploadFixture, waitFor } from '../../test-support/upload-test-kit';
import { afterFailure } from './attempt-runner';
import { stalledFailure } from './download/failures';

const fx = useUploadFixture();

describe('progress in words', () => {
  it('a raw upload refused after its body was sent waits for its retry at 0 %', async () => {
    const raw = await startRawReceiver('fail500');
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('report.bin', 600_000);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 1, retryBaseMs: 60_000, retryMaxMs: 60_000 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/up') });
    await waitFor(() => fx.engine!.get(added.id)?.nextRetryAt !== undefined, 20_000, 'waiting for a retry');
    const waiting = fx.engine.get(added.id)!;
    expect(waiting.state).toBe('queued');
    expect(waiting.error?.status).toBe(500);
    expect(raw.received).toHaveLength(1);
    expect(raw.received[0]!.size).toBe(600_000);
    expect(waiting.progress.bytesDone).toBe(0);
  });

  it('a stall that used up the retries says so without "retrying"', () => {
    const settings = { maxRetries: 8, retryBaseMs: 1000, retryMaxMs: 30_000 };
    const last = afterFailure(stalledFailure(30_000), 9, settings);
    expect(last.kind).toBe('failed');
    expect(last.kind === 'failed' && last.error.message).toBe('No data for 30 s (gave up after 9 attempts without progress)');
    const again = afterFailure(stalledFailure(30_000), 1, settings, () => 0);
    expect(again.kind === 'retry' && again.message).toBe('No data for 30 s; retrying in 0.5 s');
  });
});
