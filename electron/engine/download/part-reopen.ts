// Which bytes of an earlier attempt this one may continue from. A .part is continued only when
// it is still Ferry's own file (part-identity.ts) and its bytes can be trusted (a recorded offset
// and a URL that can prove it serves the same file: a validator for If-Range, or a new address
// whose bytes are still to be compared; a segmented one whole), and a file already renamed to its final
// name by a run that died before recording it is found again.
// Kept apart because these rules change with what resume data records, not with how bytes move.
import { lstat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AttemptState } from './attempt-state';
import { adoptPart, forgetPart, partIdentityOf } from './download-facts';
import { fileSystemFailure } from './failures';
import { findFinishedByInode, PartWriter } from './part-file';
import { openOwnPart } from './part-identity';
import { coversExactly } from './segment-plan';
import { canContinue } from './source-facts';

export interface ReopenedPart {
  /** The finished file found under its final name although the record still says .part. */
  recoveredPath?: string;
  /** The .part holds several ranges (from the resume data) that continue where each stopped. */
  resumeSegmented: boolean;
}

/** Opens the .part the record names (setting `state.writer`), or says why to start over. */
export async function reopenPart(state: AttemptState): Promise<ReopenedPart> {
  const { facts, details } = state;
  const { partPath } = facts;
  if (!partPath) return { recoveredPath: await finishedFileOnRecord(state), resumeSegmented: false };
  let handle: FileHandle;
  try {
    const own = await openOwnPart(partPath, partIdentityOf(facts));
    if ('foreign' in own) {
      // Not Ferry's file any more: not a byte is read or written through it, and it stays where it is.
      state.ctx.log('warn', `The partial file ${path.basename(partPath)} ${own.foreign}; leaving it alone and starting over in a new partial file`);
      forgetPart(facts);
      return { resumeSegmented: false };
    }
    handle = own.handle;
    adoptPart(facts, partPath, own.identity);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemFailure(err, partPath);
    const { totalBytes, done, partInode } = facts;
    if (partInode !== undefined && totalBytes !== null && done === totalBytes && details.fileName) {
      const recoveredPath = await findFinishedByInode(details.directory, details.fileName, partInode, totalBytes);
      if (recoveredPath) return { recoveredPath, resumeSegmented: false };
    }
    forgetPart(facts); // vanished: start over under a fresh .part
    return { resumeSegmented: false };
  }
  try {
    if (facts.segments) return { resumeSegmented: await continueSegmented(state, handle) };
    const trusted = facts.done > 0 && canContinue(facts.sources) ? facts.done : 0;
    const offset = await continueAt(handle, trusted);
    state.writer = new PartWriter(handle, offset);
    facts.done = offset;
    return { resumeSegmented: false };
  } catch (err) {
    if (!state.writer) await handle.close().catch(() => undefined);
    throw fileSystemFailure(err, partPath);
  }
}

/**
 * Continuing one connection at `offset`: bytes past it were never recorded as durable, so they
 * are cut off. A file shorter than the offset (someone truncated it) cannot be trusted: it is
 * emptied and the returned offset is 0.
 */
async function continueAt(handle: FileHandle, offset: number): Promise<number> {
  const { size } = await handle.stat();
  const usable = size >= offset ? offset : 0;
  if (size !== usable) await handle.truncate(usable);
  return usable;
}

/**
 * A segmented .part is trusted only whole: the ranges cover the file, a validator exists and the
 * file has the full size. Otherwise it is emptied and the download starts over. Returns whether
 * the ranges continue.
 */
async function continueSegmented(state: AttemptState, handle: FileHandle): Promise<boolean> {
  const { facts } = state;
  const segments = facts.segments!;
  const total = facts.totalBytes;
  const size = (await handle.stat()).size;
  if (total !== null && size === total && canContinue(facts.sources) && coversExactly(segments, total)) {
    state.writer = new PartWriter(handle, 0);
    return true;
  }
  state.ctx.log('warn', 'The partial file does not match its resume data; starting over');
  await handle.truncate(0);
  state.writer = new PartWriter(handle, 0);
  facts.segments = undefined;
  facts.done = 0;
  return false;
}

/**
 * Killed after finish() checkpointed the final name but before the engine saved "completed":
 * the record already names the file. Ours only if it is still the .part's inode, whole.
 */
async function finishedFileOnRecord(state: AttemptState): Promise<string | undefined> {
  const { filePath } = state.details;
  const { partInode, totalBytes, done } = state.facts;
  if (!filePath || partInode === undefined || totalBytes === null || done !== totalBytes) return undefined;
  // lstat: a link someone put under the final name is not the finished file.
  const found = await lstat(filePath).catch(() => undefined);
  return found?.isFile() && found.ino === partInode && found.size === totalBytes ? filePath : undefined;
}
