// The source file is sacred: whatever the server does, the user's file keeps its bytes, size,
// mtime and inode, and what the server receives is the staged copy, not the live file.
// Also: servers that never answer or stop reading are bounded by timeouts.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { randomBytes, sha256 } from '../../../test-support/files';
import { startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import { exists, fileIdentity, openUploadEngine, useUploadFixture, waitFor } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

describe('upload failures', () => {
  it('a server answering 500 leaves the source untouched and keeps the staged copy', async () => {
    const raw = await startRawReceiver('fail500');
    fx.closers.push(() => raw.close());
    const { file, bytes } = await fx.sourceFile('precious.bin', 1_500_000);
    const before = await fileIdentity(file);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 2 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/up') });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.code).toBe('HTTP_STATUS');
    expect(done?.error?.status).toBe(500);
    expect(done?.error?.message).toContain('500');
    // The body excerpt: at most 200 characters, no control characters.
    expect(done?.error?.body).toBeDefined();
    expect(done!.error!.body!.length).toBeLessThanOrEqual(200);
    expect(done!.error!.body).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(done!.error!.body).toContain('disk quota');
    // Three attempts (1 + 2 retries), each sent the whole file; none made durable progress.
    expect(raw.received).toHaveLength(3);
    for (const r of raw.received) expect(r.sha256).toBe(sha256(bytes));
    expect(await fileIdentity(file)).toEqual(before);
    const staged = done!.upload!.staged!;
    expect(await exists(staged.path)).toBe(true);
    expect(staged.sha256).toBe(sha256(bytes));
    expect(staged.size).toBe(bytes.length);
    expect(staged.sourceMtimeMs).toBe(before.mtimeMs);

    // Retry works from the staged copy, even with the original gone.
    await rm(file);
    raw.setMode('store');
    await fx.engine.retry(added.id);
    const [again] = await fx.engine.waitUntilFinished([added.id]);
    expect(again?.state).toBe('completed');
    expect(raw.received.at(-1)!.sha256).toBe(sha256(bytes));
    expect(await exists(staged.path)).toBe(false);
  });

  it('changing or deleting the source during an upload does not change what the server receives', async () => {
    const raw = await startRawReceiver('store');
    fx.closers.push(() => raw.close());
    const a = await fx.sourceFile('changes.bin', 1_000_000, 11);
    const b = await fx.sourceFile('vanishes.bin', 1_000_000, 12);
    // Slow uploads (about 2 s each) so the source changes while bytes are on the way.
    fx.engine = await openUploadEngine(fx.dataDir, { uploadLimit: 1_000_000 });
    const ta = await fx.engine.addUpload({ sourcePath: a.file, url: raw.url('/a/{filename}') });
    const tb = await fx.engine.addUpload({ sourcePath: b.file, url: raw.url('/b/{filename}') });
    await waitFor(() => raw.bodyBytesRead() > 100_000, 10_000, 'upload under way');
    // Once staged (copied and hashed), the sources are the user's again: a change while the copy is
    // still being made is another case (the upload fails in words; staging-job.test.ts).
    await waitFor(() => [ta, tb].every((t) => !!fx.engine!.get(t.id)?.upload?.staged?.sha256), 20_000, 'both copies staged');
    await writeFile(a.file, randomBytes(1_000_000, 99));
    await writeFile(a.file, 'truncated', { flag: 'a' });
    await rm(b.file);
    const done = await fx.engine.waitUntilFinished([ta.id, tb.id]);
    expect(done.map((v) => v.state)).toEqual(['completed', 'completed']);
    const byPath = new Map(raw.received.map((r) => [r.path, r]));
    expect(byPath.get('/a/changes.bin')?.sha256).toBe(sha256(a.bytes));
    expect(byPath.get('/b/vanishes.bin')?.sha256).toBe(sha256(b.bytes));
  });

  it('a server that takes the body and never answers hits the response timeout and is retried', async () => {
    const raw = await startRawReceiver('hang');
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('x.bin', 100_000);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 1 }, { responseTimeoutMs: 400 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/x') });
    const started = Date.now();
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.code).toBe('RESPONSE_TIMEOUT');
    expect(done?.error?.retryable).toBe(true);
    expect(raw.received).toHaveLength(2); // first attempt + one retry, each body fully delivered
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a tus endpoint that never answers the creation request hits the response timeout', async () => {
    const raw = await startRawReceiver('hang');
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('t.bin', 100_000);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 0 }, { responseTimeoutMs: 400 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/files/'), protocol: 'tus' });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.code).toBe('RESPONSE_TIMEOUT');
  });

  it('a tus PATCH that is never answered times out; the retry asks for the offset and finishes', async () => {
    const tus = await startTusServer({ hangFirstPatches: 1 });
    fx.closers.push(() => tus.close());
    const { file, bytes } = await fx.sourceFile('t.bin', 300_000);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 2 }, { responseTimeoutMs: 400 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.attempt).toBe(2);
    expect(done?.log.some((e) => /no answer within/.test(e.message))).toBe(true);
    expect(tus.patchOffsets).toEqual([0, 0]);
    const [stored] = await tus.uploadedFiles();
    expect(sha256(await readFile(stored!))).toBe(sha256(bytes));
  });

  it('a server that stops reading the body is a stall, retried, then given up', async () => {
    const raw = await startRawReceiver('no-read');
    fx.closers.push(() => raw.close());
    // Larger than what loopback socket buffers swallow, so the client really blocks.
    const { file } = await fx.sourceFile('big.bin', 48 * 1024 * 1024, 5);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 1, stallTimeoutMs: 700 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/big') });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.code).toBe('STALLED');
    expect(raw.requestCount()).toBe(2);
  });

  it('a tus server that stops reading a PATCH body is a stall; the retry continues and finishes', async () => {
    const tus = await startTusServer({ stallFirstPatches: 1 });
    fx.closers.push(() => tus.close());
    // One PATCH bigger than loopback socket buffers, so the sender really blocks.
    const { file, bytes } = await fx.sourceFile('s.bin', 32 * 1024 * 1024, 6);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 2, stallTimeoutMs: 700 }, { tusChunkSize: 64 * 1024 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.log.some((e) => /No upload progress/.test(e.message))).toBe(true);
    expect(done?.attempt).toBe(2);
    const [stored] = await tus.uploadedFiles();
    expect(sha256(await readFile(stored!))).toBe(sha256(bytes));
  });

  it('connection refused is a retryable network error', async () => {
    const raw = await startRawReceiver('store');
    const url = raw.url('/gone');
    await raw.close();
    const { file } = await fx.sourceFile('n.bin', 1000);
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 1 });
    const added = await fx.engine.addUpload({ sourcePath: file, url });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.code).toBe('NETWORK');
    expect(done?.error?.message).toMatch(/ECONNREFUSED/);
    expect(done?.attempt).toBe(2);
  });
});
