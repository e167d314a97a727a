// From joined tracks to what the user gets: one file when it can be one (ffmpeg remuxes without
// re-encoding; a single track needs nothing), else the tracks side by side under the same stem
// with a log line that says so and why. Subtitles always sit beside the video as .vtt. Never is a
// track dropped in silence.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { formatFor, remux, type RemuxInput } from './ffmpeg-remux';
import { extensionOf, joinedExtension, withExtension } from './stream-name';
import type { StreamTrack } from './stream-plan';

export interface OutputFile {
  /** Where it is now (in the work folder). */
  from: string;
  /** The name it should get in the download folder. */
  name: string;
}

export interface OutputInput {
  tracks: readonly StreamTrack[];
  /** Joined file of each track, same order. */
  joined: readonly string[];
  workDir: string;
  /** The planned name of the main file (its extension says the container ffmpeg writes). */
  fileName: string;
  /** The user typed the name: keep it when the content fits it. */
  nameAsked: boolean;
  ffmpeg: string | undefined;
  signal: AbortSignal;
  log(level: 'info' | 'warn', message: string): void;
}

export interface Output {
  main: OutputFile;
  sides: OutputFile[];
}

/** The name to plan with before anything is fetched: MP4 with ffmpeg, else what joining makes. */
export function plannedName(stem: string, asked: string | undefined, tracks: readonly StreamTrack[], ffmpeg: string | undefined): string {
  if (asked) return asked;
  const first = tracks.find((t) => t.role !== 'subtitles') ?? tracks[0]!;
  return `${stem}.${ffmpeg ? 'mp4' : joinedExtension(first.container, first.role)}`;
}

export async function assembleOutput(o: OutputInput): Promise<Output> {
  const av = o.tracks.map((track, i) => ({ track, file: o.joined[i]! })).filter(({ track }) => track.role !== 'subtitles');
  const stem = o.fileName.replace(/\.[^.]*$/, '');
  const sides: OutputFile[] = o.tracks
    .map((track, i) => ({ track, file: o.joined[i]! }))
    .filter(({ track }) => track.role === 'subtitles')
    .map(({ track, file }) => ({ from: file, name: `${stem}.${track.language ? `${safeTag(track.language)}.` : ''}vtt` }));
  if (av.length === 0) throw new Error('The stream has no audio or video track');
  if (o.ffmpeg) {
    const out = path.join(o.workDir, `output.${extensionOf(o.fileName) || 'mp4'}`);
    const inputs: RemuxInput[] = av.map(({ track, file }) => ({ path: file, take: track.role === 'main' ? 'video+audio' : track.role === 'audio' ? 'audio' : 'video' }));
    try {
      await remux(o.ffmpeg, inputs, out, formatFor(o.fileName), o.signal);
      await syncFile(out);
      return { main: { from: out, name: o.fileName }, sides };
    } catch (err) {
      if (o.signal.aborted) throw err;
      o.log('warn', `${(err as Error).message}; keeping the joined tracks as they are`);
    }
  }
  const [first, ...rest] = av;
  const mainExt = joinedExtension(first!.track.container, first!.track.role);
  const mainName = extensionOf(o.fileName) === mainExt ? o.fileName : withExtension(o.fileName, mainExt);
  if (mainName !== o.fileName && (o.nameAsked || !o.ffmpeg)) {
    o.log('info', `Saved as ${mainName}: without ffmpeg the segments are joined as they are (${first!.track.container === 'ts' ? 'MPEG-TS' : mainExt}), not remuxed into ${extensionOf(o.fileName).toUpperCase() || 'MP4'}`);
  }
  for (const { track, file } of rest) {
    const ext = joinedExtension(track.container, track.role);
    sides.push({ from: file, name: `${stem}.${track.role}${track.language ? `.${safeTag(track.language)}` : ''}.${ext}` });
  }
  if (rest.length > 0) {
    const names = [mainName, ...sides.filter((s) => !s.name.endsWith('.vtt')).map((s) => s.name)].join(' and ');
    o.log('warn', `The video and audio come as separate tracks and could not be put into one file${o.ffmpeg ? '' : ' (ffmpeg was not found)'}: they are saved side by side as ${names}`);
  }
  return { main: { from: first!.file, name: mainName }, sides };
}

function safeTag(language: string): string {
  return language.replace(/[^\w-]+/g, '_').slice(0, 32);
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
