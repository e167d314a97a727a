// The worker on its own, with a hand-made attempt context: cases the engine cannot easily stage.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startRawReceiver } from '../../../test-support/upload-servers';
import type { TransferView } from '../../../shared/transfer';
import type { AttemptContext, TransferRecord } from '../types';
import { exists } from '../../../test-support/upload-test-kit';
import { createUploadWorker } from './upload-worker';

let dataDir: string;
beforeEach(async () => {
  dataDir = await makeTempDir('ferry-up-data-');
});
afterEach(async () => {
  await removeDir(dataDir);
});

function fakeContext(record: TransferRecord): AttemptContext & { checkpoints: unknown[] } {
  const checkpoints: unknown[] = [];
  return {
    record,
    signal: new AbortController().signal,
    stallTimeoutMs: 5000,
    throttle: async () => {},
    progress: () => {},
    // Merged like the engine does, so a restaged copy's facts reach the next send.
    checkpoint: async (patch) => {
      checkpoints.push(patch);
      Object.assign(record.transfer, patch.transfer ?? {});
      Object.assign(record.resume, patch.resume ?? {});
    },
    log: () => {},
    checkpoints,
  };
}

function uploadRecord(id: string, url: string, upload: NonNullable<TransferView['upload']>): TransferRecord {
  return {
    transfer: {
      id,
      kind: 'upload',
      state: 'active',
      name: 'f.bin',
      url,
      createdAt: 0,
      progress: { bytesDone: 0, totalBytes: 4, speed: 0, etaSeconds: null },
      attempt: 1,
      log: [],
      upload,
    },
    resume: { kind: 'upload', bytesConfirmed: 0 },
    request: { kind: 'upload', upload: { sourcePath: '/nowhere/f.bin', url } },
    order: 0,
    attemptsWithoutProgress: 0,
  };
}

describe('upload worker', () => {
  it('after a crash between the server confirming and the engine hearing, it finishes without sending again', async () => {
    const raw = await startRawReceiver('store');
    try {
      const stagedDir = path.join(dataDir, 'staging-area', 'crashed');
      await mkdir(stagedDir, { recursive: true });
      await writeFile(path.join(stagedDir, 'f.bin'), 'data');
      const worker = createUploadWorker({ dataDir });
      const record = uploadRecord('crashed', raw.url('/f'), {
        sourcePath: '/nowhere/f.bin',
        protocol: 'raw',
        method: 'PUT',
        restartsOnResume: true,
        staged: { path: path.join(stagedDir, 'f.bin'), size: 4, sourceMtimeMs: 0, sha256: 'x' },
        response: { status: 201 },
      });
      const result = await worker.attempt(fakeContext(record));
      expect(result.outcome).toBe('completed');
      expect(raw.requestCount()).toBe(0);
      expect(await exists(stagedDir)).toBe(false);
    } finally {
      await raw.close();
    }
  });

  it('a staged copy left incomplete by a crash is copied again from an unchanged source, then sent', async () => {
    const raw = await startRawReceiver('store');
    try {
      const srcDir = await makeTempDir('ferry-up-src-');
      const source = path.join(srcDir, 'f.bin');
      const bytes = randomBytes(3_000_000, 41);
      await writeFile(source, bytes);
      const { mtimeMs } = await stat(source);
      const stagedDir = path.join(dataDir, 'staging-area', 'halfway');
      await mkdir(stagedDir, { recursive: true });
      await writeFile(path.join(stagedDir, 'f.bin'), bytes.subarray(0, 1_000_000));
      const worker = createUploadWorker({ dataDir });
      const record = uploadRecord('halfway', raw.url('/f'), {
        sourcePath: source,
        protocol: 'raw',
        method: 'PUT',
        restartsOnResume: true,
        staged: { path: path.join(stagedDir, 'f.bin'), size: bytes.length, sourceMtimeMs: mtimeMs, sha256: '' },
      });
      record.request = { kind: 'upload', upload: { sourcePath: source, url: raw.url('/f') } };
      const ctx = fakeContext(record);
      expect((await worker.attempt(ctx)).outcome).toBe('completed');
      expect(raw.received[0]?.sha256).toBe(sha256(bytes));
      // The hash of the re-made copy was recorded before success.
      expect(JSON.stringify(ctx.checkpoints)).toContain(sha256(bytes));

      // Same situation, but the source changed meanwhile: the upload starts over from its current
      // version (the incomplete copy could only ever have been sent in part).
      await mkdir(stagedDir, { recursive: true });
      await writeFile(path.join(stagedDir, 'f.bin'), bytes.subarray(0, 1_000_000));
      const edited = randomBytes(bytes.length + 5, 42);
      await writeFile(source, edited);
      const changed = uploadRecord('halfway', raw.url('/f'), { ...record.transfer.upload!, response: undefined });
      changed.request = record.request;
      const changedCtx = fakeContext(changed);
      expect((await worker.attempt(changedCtx)).outcome).toBe('completed');
      expect(raw.received).toHaveLength(2);
      expect(raw.received[1]?.sha256).toBe(sha256(edited));
      expect(changed.transfer.upload?.staged).toMatchObject({ size: edited.length, sha256: sha256(edited) });
      await removeDir(srcDir);
    } finally {
      await raw.close();
    }
  });

  it('a full-size staged copy whose hash was never recorded (not known to be on disk) is copied again, not trusted', async () => {
    const raw = await startRawReceiver('store');
    try {
      const srcDir = await makeTempDir('ferry-up-src-');
      const source = path.join(srcDir, 'f.bin');
      const bytes = randomBytes(3_000_000, 43);
      await writeFile(source, bytes);
      const { mtimeMs } = await stat(source);
      // After a power loss a file can have its full size and the wrong bytes (blocks never written).
      const stagedDir = path.join(dataDir, 'staging-area', 'torn');
      await mkdir(stagedDir, { recursive: true });
      await writeFile(path.join(stagedDir, 'f.bin'), Buffer.alloc(bytes.length));
      const worker = createUploadWorker({ dataDir });
      const record = uploadRecord('torn', raw.url('/f'), {
        sourcePath: source,
        protocol: 'raw',
        method: 'PUT',
        restartsOnResume: true,
        staged: { path: path.join(stagedDir, 'f.bin'), size: bytes.length, sourceMtimeMs: mtimeMs, sha256: '' },
      });
      record.request = { kind: 'upload', upload: { sourcePath: source, url: raw.url('/f') } };
      expect((await worker.attempt(fakeContext(record))).outcome).toBe('completed');
      expect(raw.received.map((r) => r.sha256)).toEqual([sha256(bytes)]);
      expect(record.transfer.upload?.staged?.sha256).toBe(sha256(bytes));
      await removeDir(srcDir);
    } finally {
      await raw.close();
    }
  });

  it('a staged copy that vanished is a clear, final error that says what to do', async () => {
    const worker = createUploadWorker({ dataDir });
    const record = uploadRecord('gone', 'http://127.0.0.1:9/x', {
      sourcePath: '/nowhere/f.bin',
      protocol: 'raw',
      method: 'PUT',
      restartsOnResume: true,
      staged: { path: path.join(dataDir, 'staging-area', 'gone', 'f.bin'), size: 4, sourceMtimeMs: 0, sha256: 'x' },
    });
    await expect(worker.attempt(fakeContext(record))).rejects.toMatchObject({
      error: { code: 'SOURCE_UNREADABLE', retryable: false, message: expect.stringMatching(/missing.*File not found.*cancel and retry/) },
    });
  });
});
