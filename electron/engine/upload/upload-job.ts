// What one protocol attempt needs, prepared by the worker: the request with secrets resolved and
// {filename} expanded, the staged copy, and the hooks into the engine's attempt context.
import type { StagedCopyFacts, UploadMethod } from '../../../shared/transfer';
import type { AttemptContext } from '../types';
import type { AttemptGuard } from './attempt-guard';
import type { BodyMeter } from './metered-read';

/** Bytes per tus PATCH unless configured (here, not in tus.ts, which loads only for tus uploads). */
export const DEFAULT_TUS_CHUNK_SIZE = 16 * 1024 * 1024;

export interface UploadJob {
  url: string;
  method: UploadMethod;
  /** Clear header values: never persist these. */
  headers: Record<string, string>;
  staged: StagedCopyFacts;
  /** Name of the user's file (the staged copy has the same base name). */
  fileName: string;
  contentType: string;
  fieldName: string;
  fields: Record<string, string>;
  guard: AttemptGuard;
  ctx: AttemptContext;
  responseTimeoutMs: number;
  /** While the staged copy is still being written: resolves once it holds bytes [0, offset). */
  available?: (offset: number, signal: AbortSignal) => Promise<void>;
}

/** Final answer of a successful upload, kept in view.upload.response. */
export interface UploadAnswer {
  status: number;
  location?: string;
}

/** Meter for a body that starts at `offset` of the staged copy; reports progress as file bytes. */
export function bodyMeter(job: UploadJob, offset: number): BodyMeter {
  let done = offset;
  return {
    signal: job.guard.signal,
    throttle: (bytes, signal) => job.ctx.throttle(bytes, signal),
    onGranted: () => job.guard.alive(),
    ...(job.available ? { available: job.available } : {}),
    onBytes: (bytes) => {
      done += bytes;
      job.ctx.progress(done, job.staged.size);
    },
  };
}
