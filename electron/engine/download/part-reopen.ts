// Which bytes of an earlier attempt this one may continue from. A .part is continued only when
// it can be trusted (a recorded offset and a validator for If-Range; a segmented one whole), and
// a file already renamed to its final name by a run that died before recording it is found again.
// Kept apart because these rules change with what resume data records, not with how bytes move.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { AttemptState } from './attempt-state';
import { fileSystemFailure } from './failures';
import { findFinishedByInode, PartWriter, reopenPartFile } from './part-file';
import { ifRangeValidator } from './response-check';
import { coversExactly } from './segment-plan';

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
  if (facts.segments) {
    const segmented = await openSegmentedPart(state, partPath);
    if (segmented !== undefined) return { resumeSegmented: segmented };
  }
  const trusted = facts.done > 0 && ifRangeValidator(facts) !== undefined ? facts.done : 0;
  try {
    const { handle, offset } = await reopenPartFile(partPath, trusted);
    state.writer = new PartWriter(handle, offset);
    facts.done = offset;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemFailure(err, partPath);
    const { totalBytes, done, partInode } = facts;
    if (partInode !== undefined && totalBytes !== null && done === totalBytes && details.fileName) {
      const recoveredPath = await findFinishedByInode(details.directory, details.fileName, partInode, totalBytes);
      if (recoveredPath) return { recoveredPath, resumeSegmented: false };
    }
    facts.partPath = undefined; // vanished: start over under a fresh .part
    facts.done = 0;
  }
  return { resumeSegmented: false };
}

/**
 * A segmented .part is trusted only whole: the ranges cover the file, a validator exists and the
 * file has the full size. Otherwise it is emptied and the download starts over. Returns whether
 * the ranges continue, or undefined when the file is gone (the caller's ENOENT path starts over).
 */
async function openSegmentedPart(state: AttemptState, partPath: string): Promise<boolean | undefined> {
  const { facts } = state;
  const segments = facts.segments!;
  const total = facts.totalBytes;
  let handle: FileHandle;
  try {
    handle = await open(partPath, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemFailure(err, partPath);
    facts.segments = undefined;
    return undefined;
  }
  const size = (await handle.stat()).size;
  if (total !== null && size === total && ifRangeValidator(facts) !== undefined && coversExactly(segments, total)) {
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
  const found = await stat(filePath).catch(() => undefined);
  return found?.ino === partInode && found.size === totalBytes ? filePath : undefined;
}
