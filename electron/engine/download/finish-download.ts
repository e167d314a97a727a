// The end of a download: the bytes are checked (length, the requested SHA-256, the server's
// digest), marked as coming from the internet and moved from .part to a free final name, and the
// final name is recorded before "completed" is reported. Kept apart because what makes a file
// finished changes for its own reasons (new checks, naming rules), not with how bytes arrive.
import path from 'node:path';
import type { TransferView } from '../../../shared/transfer';
import type { AttemptResult } from '../types';
import type { AttemptState } from './attempt-state';
import { failure, fileSystemFailure } from './failures';
import { markFromInternet, referrerOf } from './origin-mark';
import { partIdentityOf } from './download-facts';
import { moveToFreeName, sha256OfFile } from './part-file';
import { currentSource } from './source-facts';
import { identityOf, partNameForeign, PartReplaced, type PartIdentity } from './part-identity';
import { verifyServerDigest, type ServerDigest } from './server-digest';

/**
 * Verifies length and checksum, records the file's SHA-256 (when `recordSha256`), then moves the
 * .part to a free final name. `digest` is the SHA-256 hashed while receiving, if any; `serverDigest`
 * the Repr-Digest / Digest of the last response.
 */
export async function finishDownload(
  state: AttemptState,
  digest: string | undefined,
  serverDigest: ServerDigest | undefined,
  signal: AbortSignal,
  recordSha256 = true,
): Promise<AttemptResult> {
  const { facts } = state;
  const done = facts.done;
  const total = facts.totalBytes;
  if (total !== null && done < total) {
    throw failure('NETWORK', `Connection closed after ${done} of ${total} bytes`, true);
  }
  if (total !== null && done > total) {
    await state.discardPart();
    throw failure('SIZE_MISMATCH', `Server sent ${done} bytes but announced ${total}`, false);
  }
  facts.totalBytes = done;
  const partPath = facts.partPath!;
  try {
    return await verifyAndMove(state, partPath, digest, serverDigest, signal, recordSha256);
  } catch (err) {
    if (!(err instanceof PartReplaced)) throw err;
    state.ctx.log('warn', `${err.message}; leaving it alone and starting over in a new partial file`);
    await state.abandonPart();
    throw failure('FILE_SYSTEM', `${err.message} (replaced while downloading); starting over`, true);
  }
}

/** The checks on the bytes and the move, on the .part Ferry wrote; PartReplaced when its name was pointed elsewhere. */
async function verifyAndMove(
  state: AttemptState,
  partPath: string,
  digest: string | undefined,
  serverDigest: ServerDigest | undefined,
  signal: AbortSignal,
  recordSha256: boolean,
): Promise<AttemptResult> {
  const { facts, request } = state;
  const done = facts.done;
  const own = partIdentityOf(facts) ?? identityOf(await state.writer!.fileHandle.stat());
  // Hashing and marking go by name: first make sure the name is still Ferry's file.
  await requireOwnPart(partPath, own);
  // Hashed while written; read once more only where that was impossible (a single connection
  // resumed at an offset: the earlier bytes were hashed by a process that is gone), and only when
  // the SHA-256 is recorded or checked.
  const expected = request.sha256?.toLowerCase();
  const actual = digest ?? (recordSha256 || expected ? await sha256OfFile(partPath, signal) : undefined);
  if (expected && actual !== expected) {
    await state.discardPart();
    throw failure('CHECKSUM_MISMATCH', `SHA-256 mismatch: expected ${expected}, got ${actual}; the file was discarded`, false);
  }
  if (actual) state.details = { ...state.details, fileSha256: actual };
  await verifyServerDigest(partPath, serverDigest, signal);
  await state.writer?.close();
  state.writer = undefined;
  await requireOwnPart(partPath, own);
  const source = currentSource(facts.sources);
  await markFromInternet(partPath, { url: source.finalUrl ?? source.url, referrer: referrerOf(state.headers) });
  let finalPath: string;
  try {
    finalPath = await moveToFreeName(partPath, state.details.directory, state.details.fileName, own);
  } catch (err) {
    if (err instanceof PartReplaced) throw err;
    throw fileSystemFailure(err, partPath);
  }
  const fileName = path.basename(finalPath);
  state.details = { ...state.details, fileName, filePath: finalPath };
  facts.partPath = undefined;
  await state.checkpoint();
  state.ctx.progress(done, done);
  const patch: Partial<TransferView> = { name: fileName, download: state.details };
  return { outcome: 'completed', patch };
}

/** The last run renamed the finished file but died before recording it: record it now. */
export async function completeRecovered(state: AttemptState, finalPath: string): Promise<AttemptResult> {
  const fileName = path.basename(finalPath);
  state.details = { ...state.details, fileName, filePath: finalPath };
  state.facts.partPath = undefined;
  state.ctx.log('info', `Found the finished file as ${fileName}; nothing left to download`);
  await state.checkpoint();
  state.ctx.progress(state.facts.done, state.facts.done);
  return { outcome: 'completed', patch: { name: fileName, download: state.details } };
}

async function requireOwnPart(partPath: string, own: PartIdentity): Promise<void> {
  const foreign = await partNameForeign(partPath, own);
  if (foreign) throw new PartReplaced(partPath, foreign);
}
