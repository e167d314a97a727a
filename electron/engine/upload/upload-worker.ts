// The upload worker: stages the source on add (prepare), sends the staged copy with the chosen
// protocol on each attempt, and keeps the staged copy until the server confirmed success.
// The engine owns states, queue, retries, speed limits and persistence.
import path from 'node:path';
import type { StagedCopyFacts, UploadDetails, UploadMethod, UploadProtocol } from '../../../shared/transfer';
import type { SecretsProvider } from '../secrets';
import { TransferFailure, type AttemptContext, type AttemptResult, type TransferRecord, type TransferWorker, type UploadRequest } from '../types';
import { AttemptGuard } from './attempt-guard';
import { uploadRaw } from './raw';
import { expandUploadUrl, resolveHeaders } from './request-target';
import { StagedCopies } from './staged-copies';
import { SourceChangedFailure } from './staging-job';
import { removeOrphanedStaging } from './staging-area';
import { networkFailure } from './upload-errors';
import { DEFAULT_TUS_CHUNK_SIZE, type UploadAnswer, type UploadJob } from './upload-job';

export interface UploadWorkerOptions {
  /** Ferry's data folder; staged copies live in <dataDir>/staging/<transferId>/. */
  dataDir: string;
  /** Resolves `secret:<ref>` header values at attempt time. */
  secrets?: SecretsProvider;
  /** How long to wait for an answer once the body is out (default 60 s). */
  responseTimeoutMs?: number;
  /** Bytes per tus PATCH (default 16 MiB); each finished PATCH is a durable checkpoint. */
  tusChunkSize?: number;
  /** Tests: report this much free space instead of asking the file system. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Tests: a slow disk, pausing this many milliseconds after each staged chunk. */
  stagingPauseMs?: number;
  /** Tests: a disk stepped by hand (StagingThreadData.gate), shared by every staging copy. */
  stagingGate?: Int32Array;
}

export const DEFAULT_RESPONSE_TIMEOUT_MS = 60_000;

/** Fresh copies made in one attempt because the source kept changing while it was copied; then it fails. */
export const MAX_SOURCE_RESTARTS = 3;

export function protocolOf(req: UploadRequest): UploadProtocol {
  return req.protocol ?? 'raw';
}

/** tus creates uploads with POST; multipart forms are POSTed by convention; raw defaults to PUT. */
export function methodOf(req: UploadRequest): UploadMethod {
  return req.method ?? (protocolOf(req) === 'multipart' ? 'POST' : 'PUT');
}

function uploadRequestOf(record: Readonly<TransferRecord>): UploadRequest {
  if (record.request.kind !== 'upload') {
    throw new TransferFailure({ code: 'INTERNAL', message: 'The upload worker got a download', retryable: false });
  }
  return record.request.upload;
}

type MimeLookup = (path: string) => string | false;
let mimeLookup: Promise<MimeLookup> | undefined;

/**
 * mime-types parses its whole database when imported (about 20 ms of every `ferry` start):
 * loaded on first need, which prepare() starts early so it overlaps the staging copy.
 */
function loadMimeLookup(): Promise<MimeLookup> {
  mimeLookup ??= import('mime-types').then((mod) => {
    const loaded = mod as unknown as { lookup?: MimeLookup; default?: { lookup: MimeLookup } };
    return loaded.lookup ?? loaded.default!.lookup;
  });
  return mimeLookup;
}

async function contentTypeFor(fileName: string): Promise<string> {
  return (await loadMimeLookup())(fileName) || 'application/octet-stream';
}

export function createUploadWorker(options: UploadWorkerOptions): TransferWorker {
  const { dataDir, secrets } = options;
  const responseTimeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  const tusChunkSize = options.tusChunkSize ?? DEFAULT_TUS_CHUNK_SIZE;
  const copies = new StagedCopies(dataDir, options.freeBytes, options.stagingPauseMs, options.stagingGate);

  /**
   * Records the staged copy's SHA-256 once the copy is complete and on disk, while this attempt
   * runs (a recorded hash is what lets a later attempt trust the copy). `settled` resolves (never
   * rejects) once recorded, skipped or failed; `inFlight` is a recording already under way.
   */
  function recordHashWhenDone(ctx: AttemptContext, attemptOver: () => boolean): { settled: Promise<void>; inFlight(): Promise<void> } {
    const id = ctx.record.transfer.id;
    const pending = ctx.record.transfer.upload?.staged?.sha256 ? undefined : copies.sha256(id);
    let recording: Promise<void> = Promise.resolve();
    if (!pending) return { settled: Promise.resolve(), inFlight: () => recording };
    const settled = pending.then(
      async (sha256) => {
        // After the attempt ended the record belongs to the engine again; the next attempt records it.
        if (attemptOver()) return;
        const staged = ctx.record.transfer.upload?.staged;
        if (!staged) return;
        recording = ctx.checkpoint({ transfer: { upload: { ...ctx.record.transfer.upload!, staged: { ...staged, sha256 } } } });
        await recording;
      },
      // A failed copy is reported by the upload itself, which cannot read past it.
      () => {},
    );
    return { settled, inFlight: () => recording };
  }

  /**
   * The source changed while it was being copied: stage its current version and start the upload
   * over (a tus upload too: the server's partial upload holds bytes of the old version).
   */
  async function restageChanged(ctx: AttemptContext, req: UploadRequest): Promise<void> {
    const staged = await copies.stage(ctx.record.transfer.id, req.sourcePath);
    await ctx.checkpoint({
      transfer: {
        upload: { ...ctx.record.transfer.upload!, staged, response: undefined },
        progress: { ...ctx.record.transfer.progress, bytesDone: 0, totalBytes: staged.size },
      },
      resume: { bytesConfirmed: 0, tusUploadUrl: undefined },
    });
    ctx.progress(0, staged.size);
  }

  /** One send of the staged copy (overlapping its copy, if that is still being made). */
  async function sendStagedCopy(ctx: AttemptContext, req: UploadRequest, staged: StagedCopyFacts): Promise<AttemptResult> {
    const id = ctx.record.transfer.id;
    const gate = await copies.ready(id, req.sourcePath, staged);
    const guard = new AttemptGuard(ctx.signal);
    // A copy that fails (the source changed, the disk filled) stops the send at once.
    gate.copy?.catch((failure: TransferFailure) => guard.fail(failure));
    let over = false;
    const hash = recordHashWhenDone(ctx, () => over);
    try {
      const protocol = protocolOf(req);
      const fileName = path.basename(staged.path);
      const job: UploadJob = {
        url: expandUploadUrl(req.url, fileName, protocol),
        method: methodOf(req),
        headers: await resolveHeaders(req.headers, secrets),
        staged,
        fileName,
        contentType: await contentTypeFor(fileName),
        fieldName: req.fieldName ?? 'file',
        fields: req.fields ?? {},
        guard,
        ctx,
        responseTimeoutMs,
        ...(gate.available ? { available: gate.available } : {}),
      };
      const answer = await runProtocol(job, protocol);
      // The body could only end once the copy was complete and checked, so its hash is known
      // (a clone's may still be computing); its fsync is not worth waiting for any more.
      const sha256 = staged.sha256 || (await copies.sha256OfComplete(id)) || '';
      over = true;
      await hash.inFlight();
      // Read the details again: the hash may have been recorded while we were sending.
      const current = ctx.record.transfer.upload!;
      const upload: UploadDetails = { ...current, staged: { ...current.staged!, sha256: current.staged?.sha256 || sha256 }, response: answer };
      ctx.progress(staged.size, staged.size);
      // Record the server's confirmation first, then drop the copy: a crash in between is
      // recognised by attempt(), and startup removes the leftover folder.
      await ctx.checkpoint({ transfer: { upload }, resume: { bytesConfirmed: staged.size } });
      await copies.discard(id);
      return { outcome: 'completed', patch: { upload } };
    } catch (err) {
      // Paused, failed or retrying: the copy is kept, and a crash from here on must not lose it.
      copies.syncNow(id);
      if (guard.stoppedByEngine) return { outcome: 'aborted' };
      if (err instanceof SourceChangedFailure) throw err;
      // A failed upload keeps its staged copy; its details should say what that copy is.
      await hash.settled;
      throw err instanceof TransferFailure ? err : (guard.failure ?? networkFailure(err));
    } finally {
      over = true;
      guard.dispose();
    }
  }

  async function runProtocol(job: UploadJob, protocol: UploadProtocol): Promise<UploadAnswer> {
    // tus-js-client and the multipart encoder load only when an upload uses them, so a plain
    // PUT (and every `ferry` start) does not pay for parsing them.
    if (protocol === 'tus') return (await import('./tus')).uploadTus(job, { chunkSize: tusChunkSize });
    if (protocol === 'multipart') return (await import('./multipart')).uploadMultipart(job);
    return uploadRaw(job);
  }

  return {
    async prepare(record) {
      const req = uploadRequestOf(record);
      void loadMimeLookup().catch(() => {});
      const protocol = protocolOf(req);
      const staged = await copies.stage(record.transfer.id, req.sourcePath);
      const upload: UploadDetails = {
        ...record.transfer.upload,
        sourcePath: req.sourcePath,
        protocol,
        method: methodOf(req),
        ...(req.destinationId ? { destinationId: req.destinationId } : {}),
        ...(protocol === 'multipart' ? { fieldName: req.fieldName ?? 'file' } : {}),
        staged,
        restartsOnResume: protocol !== 'tus',
        // Explicitly cleared: the engine merges this into the old details (retry after cancel).
        response: undefined,
      };
      return {
        transfer: { upload, progress: { ...record.transfer.progress, bytesDone: 0, totalBytes: staged.size } },
        // A fresh staging means a fresh upload: forget any tus URL from an earlier run.
        resume: { kind: 'upload', bytesConfirmed: 0, tusUploadUrl: undefined },
      };
    },

    async startup(records) {
      const owned = new Set(
        records
          .filter((r) => r.request.kind === 'upload' && r.transfer.state !== 'completed' && r.transfer.state !== 'canceled')
          .map((r) => r.transfer.id),
      );
      await removeOrphanedStaging(dataDir, owned);
    },

    async attempt(ctx: AttemptContext): Promise<AttemptResult> {
      const record = ctx.record;
      const req = uploadRequestOf(record);
      const details = record.transfer.upload;
      const staged = details?.staged;
      if (!details || !staged) {
        throw new TransferFailure({ code: 'INTERNAL', message: 'This upload was never staged; cancel and retry it', retryable: false });
      }
      if (details.response) {
        // The server already confirmed success, but the engine never heard (crash right after):
        // finish the cleanup instead of sending the file again. prepare() clears it for a fresh run.
        await copies.discard(record.transfer.id);
        return { outcome: 'completed' };
      }
      for (let restarts = 0; ; restarts++) {
        try {
          return await sendStagedCopy(ctx, req, ctx.record.transfer.upload!.staged!);
        } catch (err) {
          if (!(err instanceof SourceChangedFailure)) throw err;
          // Paused or canceled meanwhile: the next attempt finds the changed source again.
          if (ctx.signal.aborted) return { outcome: 'aborted' };
          if (restarts >= MAX_SOURCE_RESTARTS) {
            throw new TransferFailure({
              code: 'SOURCE_UNREADABLE',
              message: `${req.sourcePath} kept changing while Ferry was staging it (${restarts + 1} times); try again once nothing is writing to it`,
              retryable: false,
            });
          }
          ctx.log('info', `${req.sourcePath} changed while it was being staged; starting over from its current version`);
          await restageChanged(ctx, req);
        }
      }
    },

    async discard(record) {
      await copies.discard(record.transfer.id);
    },
  };
}
