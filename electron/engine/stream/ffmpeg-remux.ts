// ffmpeg, where the user has it, puts joined tracks into one MP4 without re-encoding (`-c copy`):
// MPEG-TS into MP4 (ADTS audio rewrapped by the bitstream filter ffmpeg inserts itself), a video
// and an audio track into one file. Found once per process: FERRY_FFMPEG (a path, or "none"),
// else `ffmpeg` on PATH. Without it the caller keeps what joining alone can make.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

export interface RemuxInput {
  path: string;
  /** Which streams of this input go into the output. */
  take: 'video+audio' | 'video' | 'audio';
}

let found: Promise<string | undefined> | undefined;

/** The ffmpeg to use, or undefined. `override`: a path, or null for "none" (tests, settings). */
export function findFfmpeg(override?: string | null, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (override === null) return Promise.resolve(undefined);
  if (override !== undefined) return works(override).then((ok) => (ok ? override : undefined));
  return (found ??= locate(env));
}

async function locate(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const named = env.FERRY_FFMPEG?.trim();
  if (named?.toLowerCase() === 'none') return undefined;
  const candidates = named ? [named] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg'));
  for (const candidate of candidates) {
    const executable = await access(candidate, constants.X_OK).then(() => true, () => false);
    if (executable && (await works(candidate))) return candidate;
  }
  return undefined;
}

function works(bin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['-hide_banner', '-version'], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', () => resolve(false));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/** The muxer ffmpeg should write for a file name (MP4 unless the name says another container it can hold copies in). */
export function formatFor(fileName: string): string {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.mkv') return 'matroska';
  if (ext === '.mov') return 'mov';
  if (ext === '.ts') return 'mpegts';
  return 'mp4';
}

/** Runs `ffmpeg -i A [-i B] -map … -c copy OUT`; rejects with ffmpeg's own words. */
export function remux(ffmpeg: string, inputs: readonly RemuxInput[], outPath: string, format: string, signal: AbortSignal): Promise<void> {
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-y'];
  for (const input of inputs) args.push('-i', input.path);
  inputs.forEach((input, i) => {
    if (input.take !== 'audio') args.push('-map', `${i}:v?`);
    if (input.take !== 'video') args.push('-map', `${i}:a?`);
  });
  args.push('-c', 'copy', '-f', format, outPath);
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.once('error', reject);
    child.once('exit', (code, sig) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${sig ? `was stopped (${sig})` : `exited with ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`));
    });
  });
}
