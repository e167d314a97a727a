// The staged copy is made while the upload sends it. A source edited during that copy must never
// reach the server mixed: the send is aborted, the current version is staged afresh and sent from
// byte 0 (a new tus upload too), and what the server keeps equals the final source. The copy is
// slowed (stagingPauseMs, a slow disk) so each test edits the source while it is being copied.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, sha256File } from '../../../test-support/files';
import { startNginx } from '../../../test-support/nginx';
import { startMultipartReceiver, startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import type { TransferView, UploadProtocol } from '../../../shared/transfer';
import { exists, openUploadEngine, useUploadFixture, waitFor } from '../../../test-support/upload-test-kit';
import { STAGING_CHUNK_BYTES } from './staging-job';
import { MAX_SOURCE_RESTARTS } from './upload-worker';

const fx = useUploadFixture();

const SIZE = 16 * 1024 * 1024 + 77;
const PAUSE_MS = 60;

/** Overwrites `length` bytes at `offset` in place, as an editor or a writing program would. */
async function editInPlace(file: string, offset: number, seed: number, length = 4096): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.alloc(length, seed), 0, length, offset);
  } finally {
    await handle.close();
  }
}

/** Bytes of the staged copy written so far (0 while it does not exist yet). */
async function stagedBytes(view: TransferView): Promise<number> {
  return stat(view.upload!.staged!.path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Adds the upload, waits until the copy is part-way and bytes are on their way, then edits bytes already copied. */
async function uploadEditedMidCopy(protocol: UploadProtocol, url: string, serverReceiving: () => boolean = () => true) {
  const { file } = await fx.sourceFile('edited.bin', SIZE, 51);
  fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 0 }, { stagingPauseMs: PAUSE_MS });
  const added = await fx.engine.addUpload({ sourcePath: file, url, protocol });
  const sending = () => (fx.engine!.get(added.id)?.progress.bytesDone ?? 0) > 0 && serverReceiving();
  await waitFor(async () => (await stagedBytes(added)) >= 2 * STAGING_CHUNK_BYTES && sending(), 20_000, 'copy and send under way');
  // Still copying: the send has not got (and cannot get) the end of the file yet.
  expect(await stagedBytes(added)).toBeLessThan(SIZE);
  await editInPlace(file, 1000, 0xab);
  const [done] = await fx.engine.waitUntilFinished([added.id]);
  const final = await sha256File(file);
  return { done: done!, final, file };
}

function expectRestarted(done: TransferView, final: string): void {
  expect(done.state).toBe('completed');
  expect(done.upload?.staged?.sha256).toBe(final);
  expect(done.log.some((entry) => /changed while it was being staged; starting over/.test(entry.message))).toBe(true);
}

describe('a source edited while it is being staged and sent', () => {
  it('raw PUT to nginx WebDAV: the send restarts from the new copy and nginx stores the final source', async () => {
    const nginx = await startNginx({ dav: true });
    fx.closers.push(() => nginx.stop());
    const { done, final } = await uploadEditedMidCopy('raw', `${nginx.baseUrl}/in/{filename}`);
    expectRestarted(done, final);
    const stored = path.join(nginx.root, 'in', 'edited.bin');
    expect(await sha256File(stored)).toBe(final);
    // Success removed the staged copy.
    expect(await exists(path.dirname(done.upload!.staged!.path))).toBe(false);
  });

  it('raw PUT to a receiver: the first body is cut off, only the final source is ever stored', async () => {
    const raw = await startRawReceiver('store');
    fx.closers.push(() => raw.close());
    const { done, final } = await uploadEditedMidCopy('raw', raw.url('/r/{filename}'), () => raw.bodyBytesRead() > 0);
    expectRestarted(done, final);
    expect(raw.received.map((r) => r.sha256)).toEqual([final]);
    // Two requests: the aborted one (which got part of the old copy) and the one that finished.
    expect(raw.requestCount()).toBe(2);
    expect(raw.bodyBytesRead()).toBeGreaterThan(SIZE);
  });

  it('multipart: the form is sent again with the final source', async () => {
    const receiver = await startMultipartReceiver();
    fx.closers.push(() => receiver.close());
    const { done, final } = await uploadEditedMidCopy('multipart', receiver.url('/m'));
    expectRestarted(done, final);
    expect(receiver.received.flatMap((form) => form.files.map((f) => f.sha256))).toEqual([final]);
  });

  it('tus: a new upload is created for the new copy, and it holds the final source', async () => {
    const tus = await startTusServer();
    fx.closers.push(() => tus.close());
    const { done, final } = await uploadEditedMidCopy('tus', tus.endpoint, () => tus.patchOffsets.length > 0);
    expectRestarted(done, final);
    const files = await tus.uploadedFiles();
    // The old upload (part of the old copy) and the new one; the one that completed is the final source.
    expect(files).toHaveLength(2);
    const digests = await Promise.all(files.map((f) => sha256File(f)));
    expect(digests).toContain(final);
    expect(done.upload?.response?.location).toMatch(new RegExp(`^${tus.endpoint}`));
  });

  it(`a source that keeps changing fails after ${MAX_SOURCE_RESTARTS} fresh copies, having sent nothing complete`, async () => {
    const raw = await startRawReceiver('store');
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('log.bin', SIZE, 52);
    // Slower still: a whole copy would have to slip between two edits for the test to go wrong.
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 0 }, { stagingPauseMs: 3 * PAUSE_MS });
    let seed = 0;
    // A program appending to its file all the time (a log): no copy ever sees one version.
    const writer = setInterval(() => void editInPlace(file, 5000, ++seed % 250), 40);
    try {
      const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/l') });
      const [done] = await fx.engine.waitUntilFinished([added.id]);
      expect(done?.state).toBe('failed');
      expect(done?.error).toMatchObject({ code: 'SOURCE_UNREADABLE', retryable: false });
      expect(done?.error?.message).toMatch(/kept changing while Ferry was staging it/);
      expect(raw.received).toHaveLength(0);
      expect(done?.log.filter((e) => /starting over/.test(e.message))).toHaveLength(MAX_SOURCE_RESTARTS);
    } finally {
      clearInterval(writer);
    }
  });

  it('an edit after the copy is complete does not matter: the staged snapshot is sent', async () => {
    const raw = await startRawReceiver('store');
    fx.closers.push(() => raw.close());
    const { file, bytes } = await fx.sourceFile('snap.bin', 3 * 1024 * 1024, 53);
    // A slow server side (upload limit) so the copy is done long before the send.
    fx.engine = await openUploadEngine(fx.dataDir, { maxRetries: 0, uploadLimit: 4 * 1024 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/s') });
    await waitFor(() => fx.engine!.get(added.id)?.upload?.staged?.sha256 === sha256(bytes), 20_000, 'copy complete');
    await editInPlace(file, 0, 0xcd);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received.map((r) => r.sha256)).toEqual([sha256(bytes)]);
    expect(done?.log.some((e) => /starting over/.test(e.message))).toBe(false);
  });
});
