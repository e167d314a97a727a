// The end of a stream transfer: tracks joined (and decrypted), made into the output (one file, or
// side by side), marked as coming from the internet, and moved to free names beside the work
// folder. The output's inode is recorded before the move, so a crash between the move and the
// record is recognised on the next run instead of joining again into "name (1).mp4".
import { lstat, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { markFromInternet } from '../download/origin-mark';
import { findFinishedByInode, moveToFreeName as movePart } from '../download/part-file';
import { identityOf } from '../download/part-identity';
import { assembleOutput, type OutputFile } from './stream-output';
import { joinedExtension } from './stream-name';
import type { StreamPlan } from './stream-plan';
import { itemPath } from './stream-state';
import type { StreamResumeData } from './stream-resume';
import { joinTrack } from './track-join';

export interface FinishInput {
  plan: StreamPlan;
  resume: StreamResumeData;
  directory: string;
  fileName: string;
  nameAsked: boolean;
  keys: ReadonlyMap<string, Buffer>;
  ffmpeg: string | undefined;
  origin: { url: string; referrer: string | undefined };
  signal: AbortSignal;
  log(level: 'info' | 'warn', message: string): void;
  /** Persist the output's identity before it moves. */
  recordOutput(output: NonNullable<StreamResumeData['output']>): Promise<void>;
}

export interface Finished {
  filePath: string;
  /** Files saved beside it (subtitles; tracks that could not be muxed). */
  sides: string[];
}

export async function finishStream(o: FinishInput): Promise<Finished> {
  const joined: string[] = [];
  for (const [t, track] of o.plan.tracks.entries()) {
    const out = path.join(o.resume.workDir, `track-${t}.${joinedExtension(track.container, track.role)}`);
    await joinTrack({ track, fileOf: (i) => itemPath(o.resume.workDir, t, i), keys: o.keys, signal: o.signal }, out);
    joined.push(out);
  }
  const output = await assembleOutput({
    tracks: o.plan.tracks,
    joined,
    workDir: o.resume.workDir,
    fileName: o.fileName,
    nameAsked: o.nameAsked,
    ffmpeg: o.ffmpeg,
    signal: o.signal,
    log: o.log,
  });
  for (const file of [output.main, ...output.sides]) await markFromInternet(file.from, o.origin);
  const facts = await stat(output.main.from);
  await o.recordOutput({ inode: facts.ino, size: facts.size, fileName: output.main.name, sides: output.sides });
  return moveAll(o.directory, output.main, output.sides, o.resume.workDir);
}

/** A run that died after recording the output: find the moved file, or move what is still in the work folder. */
export async function recoverOutput(directory: string, resume: StreamResumeData): Promise<Finished | undefined> {
  const output = resume.output;
  if (!output) return undefined;
  const moved = await findFinishedByInode(directory, output.fileName, output.inode, output.size);
  const sides = output.sides ?? [];
  if (moved) {
    const placed: string[] = [];
    for (const side of sides) {
      const there = await stat(side.from).then(() => true, () => false);
      if (there) placed.push(await moveToFreeName(side.from, directory, sideName(side.name, output.fileName, moved)));
    }
    await rm(resume.workDir, { recursive: true, force: true });
    return { filePath: moved, sides: placed };
  }
  const mainFrom = await findInWorkDir(resume.workDir, output.inode);
  if (!mainFrom) return undefined;
  return moveAll(directory, { from: mainFrom, name: output.fileName }, sides, resume.workDir);
}

async function moveAll(directory: string, main: OutputFile, sides: readonly OutputFile[], workDir: string): Promise<Finished> {
  const filePath = await moveToFreeName(main.from, directory, main.name);
  const placed: string[] = [];
  for (const side of sides) placed.push(await moveToFreeName(side.from, directory, sideName(side.name, main.name, filePath)));
  await rm(workDir, { recursive: true, force: true });
  return { filePath, sides: placed };
}

/** Side files follow the main file's final stem: "talk (1).mp4" gets "talk (1).en.vtt". */
function sideName(planned: string, plannedMain: string, finalMain: string): string {
  const plannedStem = plannedMain.replace(/\.[^.]*$/, '');
  const finalStem = path.basename(finalMain).replace(/\.[^.]*$/, '');
  return planned.startsWith(plannedStem) ? finalStem + planned.slice(plannedStem.length) : planned;
}

async function findInWorkDir(workDir: string, inode: number): Promise<string | undefined> {
  const names = await readdir(workDir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(workDir, name);
    const facts = await stat(file).catch(() => undefined);
    if (facts?.ino === inode) return file;
  }
  return undefined;
}

/**
 * The work folder's file to its free name, with the rules of a finished .part (part-file.ts): its
 * identity taken now, without following a link, so the name it ends under is never a link or
 * someone else's file.
 */
async function moveToFreeName(from: string, directory: string, fileName: string): Promise<string> {
  const stats = await lstat(from);
  if (!stats.isFile()) throw Object.assign(new Error(`${from} is not a regular file`), { code: 'EINVAL' });
  return movePart(from, directory, fileName, identityOf(stats));
}
