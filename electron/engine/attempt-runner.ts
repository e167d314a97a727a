// One attempt of one transfer, and what follows it: completed, stopped by the engine, failed for
// good, or "retry after N ms". Waiting is not done here: the engine queues the transfer with a
// "not before" time, so a transfer waiting to retry holds no active slot.
import type { TransferError } from '../../shared/transfer';
import { durableBytes } from './records';
import { retryDelayMs } from './retry-policy';
import { TransferFailure, type AttemptContext, type TransferFacts, type TransferRecord, type TransferWorker } from './types';

export interface RetrySettings {
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export type AttemptOutcome =
  | { kind: 'completed'; patch?: Partial<TransferFacts> }
  | { kind: 'aborted' }
  | { kind: 'failed'; error: TransferError }
  | { kind: 'retry'; error: TransferError; delayMs: number; message: string };

export async function runAttempt(
  worker: TransferWorker,
  ctx: AttemptContext,
  record: TransferRecord,
  settings: RetrySettings,
): Promise<AttemptOutcome> {
  const before = durableBytes(record.resume);
  try {
    const result = await worker.attempt(ctx);
    if (result.outcome === 'aborted') return { kind: 'aborted' };
    // A completion that raced a pause or shutdown stands: the file is already under its final
    // name, and undoing it would download it again as "name (1)". Cancel and remove still win.
    if (ctx.signal.aborted && ctx.signal.reason !== 'pause' && ctx.signal.reason !== 'shutdown') return { kind: 'aborted' };
    return result.patch ? { kind: 'completed', patch: result.patch } : { kind: 'completed' };
  } catch (error) {
    if (ctx.signal.aborted) return { kind: 'aborted' };
    const progressed = durableBytes(record.resume) > before;
    record.attemptsWithoutProgress = progressed ? 0 : record.attemptsWithoutProgress + 1;
    const bytesEverFlowed = durableBytes(record.resume) > 0 || record.transfer.progress.bytesDone > 0;
    return afterFailure(asFailure(error), record.attemptsWithoutProgress, settings, Math.random, bytesEverFlowed);
  }
}

/**
 * The retry decision as a pure function. Every attempt that ended without durable progress
 * counts against the budget, whatever the protocol; a failure may carry a smaller budget of its
 * own (a host name that does not resolve is worth a few tries, not eight).
 */
export function afterFailure(
  failure: TransferFailure,
  attemptsWithoutProgress: number,
  settings: RetrySettings,
  random: () => number = Math.random,
  /** Whether any byte of this transfer ever flowed: until then a failure's first-contact budget applies. */
  bytesEverFlowed = true,
): AttemptOutcome {
  const firstContact = bytesEverFlowed ? undefined : failure.firstContact;
  const ownBudget = firstContact ? firstContact.retries : failure.maxRetries;
  const budget = Math.min(settings.maxRetries, ownBudget ?? Infinity);
  const exhausted = failure.error.retryable && attemptsWithoutProgress > budget;
  if (!failure.error.retryable || exhausted) {
    const message = exhausted
      ? `${failure.error.message} (gave up after ${attemptsWithoutProgress} attempts without progress)`
      : failure.error.message;
    return { kind: 'failed', error: { ...failure.error, message } };
  }
  const delayMs = retryDelayMs({
    attempt: Math.max(1, attemptsWithoutProgress),
    baseMs: settings.retryBaseMs,
    maxMs: settings.retryMaxMs,
    random,
    ...(failure.retryAfterMs !== undefined || firstContact ? { retryAfterMs: Math.max(failure.retryAfterMs ?? 0, firstContact?.waitMs ?? 0) } : {}),
  });
  return {
    kind: 'retry',
    error: failure.error,
    delayMs,
    message: `${failure.error.message}; retrying in ${(delayMs / 1000).toFixed(1)} s`,
  };
}

export function asFailure(error: unknown): TransferFailure {
  if (error instanceof TransferFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransferFailure({ code: 'INTERNAL', message: `Unexpected error: ${message}`, retryable: false });
}
