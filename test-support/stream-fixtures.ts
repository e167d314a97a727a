// Video stream fixtures made with Debian's ffmpeg, and ffprobe checks of a result.
//
//   if (ffmpegMissing()) it.skip(...)                       // says why, never a fake pass
//   const fixtures = new StreamFixtures();                  // one temp folder per test file
//   const dir = await fixtures.get('master');               // made once, then reused
//   serve fixtures.root (nginx root), GET /master/master.m3u8
//   const facts = await probe(file);                        // duration, streams
//   expect(await decodeErrors(file)).toBe('');             // `ffmpeg -v error -i F -f null -`
//   await fixtures.remove();
//
// Every clip is testsrc2 + a sine tone, x264 ultrafast + AAC, 2 s segments; 30 s unless named.
import { execFile, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FFMPEG = 'ffmpeg';
const FFPROBE = 'ffprobe';

let missing: string | undefined | null = null;

/** Why stream tests cannot run here (no ffmpeg/ffprobe), or undefined when they can. */
export function ffmpegMissing(): string | undefined {
  if (missing === null) {
    const ok = (bin: string): boolean => spawnSync(bin, ['-version'], { stdio: 'ignore' }).status === 0;
    missing = ok(FFMPEG) && ok(FFPROBE) ? undefined : 'ffmpeg/ffprobe not installed (apt-get install ffmpeg; .ci/run installs it)';
  }
  return missing;
}

export const FIXTURE_SECONDS = 30;
const SOURCES = (seconds: number, size: string): string[] => [
  '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25:duration=${seconds}`,
  '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-c:a', 'aac', '-b:a', '64k'];
const HLS = ['-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod'];

async function ffmpeg(cwd: string, args: string[]): Promise<void> {
  await run(FFMPEG, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { cwd, maxBuffer: 1 << 20 });
}

export type FixtureName =
  | 'master' // two variants (640x360 ~900 kbit/s, 320x180 ~400 kbit/s), muxed audio: master.m3u8
  | 'aes' // AES-128 with IV attribute: index.m3u8, key.bin
  | 'aes-seq' // AES-128 without IV (IV = media sequence number, starting at 7): index.m3u8
  | 'fmp4' // fMP4 segments after EXT-X-MAP init.mp4: index.m3u8
  | 'agroup' // video variant + EXT-X-MEDIA audio rendition: master.m3u8
  | 'byterange' // one .ts file, segments as EXT-X-BYTERANGE: index.m3u8
  | 'subs' // a variant naming an EXT-X-MEDIA WebVTT subtitle rendition (cues at 1-4 s and 20-22 s): master.m3u8
  | 'dash' // SegmentTemplate + SegmentTimeline, separate video and audio: manifest.mpd
  | 'dash-number' // SegmentTemplate with $Number$ and a duration, no timeline: manifest.mpd
  | 'dash-time' // SegmentTemplate with $Time$ and SegmentTimeline: manifest.mpd
  | 'dash-list' // SegmentList with mediaRange into one file per track: manifest.mpd
  | 'dash-base' // SegmentBase (sidx index range) per track: manifest.mpd
  | 'heavy'; // one 30 s variant at ~6 Mbit/s (filler NALs): index.m3u8

export const AES_KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

export class StreamFixtures {
  private rootDir: Promise<string> | undefined;
  private readonly made = new Map<FixtureName, Promise<string>>();

  /** The folder that holds every fixture (serve it as a web root). */
  root(): Promise<string> {
    return (this.rootDir ??= mkdtemp(path.join(tmpdir(), 'ferry-stream-fixtures-')));
  }

  /** The fixture's folder (`<root>/<name>`), made on first use. */
  get(name: FixtureName): Promise<string> {
    let made = this.made.get(name);
    if (!made) {
      made = this.root().then(async (root) => {
        const dir = path.join(root, name);
        await mkdir(dir, { recursive: true });
        await MAKERS[name](dir);
        return dir;
      });
      this.made.set(name, made);
    }
    return made;
  }

  async remove(): Promise<void> {
    if (this.rootDir) await rm(await this.rootDir, { recursive: true, force: true });
  }
}

const MAKERS: Record<FixtureName, (dir: string) => Promise<void>> = {
  async master(dir) {
    await ffmpeg(dir, [
      ...SOURCES(FIXTURE_SECONDS, '640x360'),
      '-filter_complex', '[0:v]split=2[a][b];[b]scale=320:180[b2]',
      '-map', '[a]', '-map', '[b2]', '-map', '1:a', '-map', '1:a',
      ...X264, '-b:v:0', '800k', '-b:v:1', '300k',
      ...HLS, '-var_stream_map', 'v:0,a:0 v:1,a:1', '-master_pl_name', 'master.m3u8',
      '-hls_segment_filename', 'v%v/s%03d.ts', 'v%v/index.m3u8',
    ]);
  },
  async aes(dir) {
    await writeFile(path.join(dir, 'key.bin'), AES_KEY);
    await writeFile(path.join(dir, 'keyinfo'), `key.bin\n${path.join(dir, 'key.bin')}\n0123456789abcdef0123456789abcdef\n`);
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, ...HLS, '-hls_key_info_file', 'keyinfo', '-hls_segment_filename', 's%03d.ts', 'index.m3u8']);
  },
  async 'aes-seq'(dir) {
    // ffmpeg always writes an IV; this one leaves it out and encrypts each segment with its sequence number.
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, ...HLS, '-hls_segment_filename', 'clear%03d.ts', 'clear.m3u8']);
    await writeFile(path.join(dir, 'key.bin'), AES_KEY);
    const clear = await readFile(path.join(dir, 'clear.m3u8'), 'utf8');
    const first = 7;
    let sequence = first;
    const lines: string[] = [];
    for (const line of clear.split('\n')) {
      if (line.startsWith('#EXT-X-MEDIA-SEQUENCE')) lines.push(`#EXT-X-MEDIA-SEQUENCE:${first}`, '#EXT-X-KEY:METHOD=AES-128,URI="key.bin"');
      else if (/^clear\d+\.ts$/.test(line)) {
        const iv = Buffer.alloc(16);
        iv.writeUInt32BE(sequence++, 12);
        const cipher = createCipheriv('aes-128-cbc', AES_KEY, iv);
        const name = line.replace('clear', 'enc');
        await writeFile(path.join(dir, name), Buffer.concat([cipher.update(await readFile(path.join(dir, line))), cipher.final()]));
        lines.push(name);
      } else lines.push(line);
    }
    await writeFile(path.join(dir, 'index.m3u8'), lines.join('\n'));
  },
  async fmp4(dir) {
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, ...HLS, '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', 's%03d.m4s', 'index.m3u8']);
  },
  async agroup(dir) {
    await ffmpeg(dir, [
      ...SOURCES(FIXTURE_SECONDS, '320x180'), '-map', '0:v', '-map', '1:a', ...X264, ...HLS,
      '-var_stream_map', 'v:0,agroup:aud a:0,agroup:aud,default:yes,language:en', '-master_pl_name', 'master.m3u8',
      '-hls_segment_filename', 'v%v/s%03d.ts', 'v%v/index.m3u8',
    ]);
  },
  async subs(dir) {
    await writeFile(path.join(dir, 'subs.srt'), '1\n00:00:01,000 --> 00:00:04,000\nHello\n\n2\n00:00:20,000 --> 00:00:22,000\nWorld\n');
    await ffmpeg(dir, [
      ...SOURCES(FIXTURE_SECONDS, '320x180'), '-i', 'subs.srt', '-map', '0:v', '-map', '1:a', '-map', '2:s', ...X264, '-c:s', 'webvtt', ...HLS,
      '-var_stream_map', 'v:0,a:0,s:0,sgroup:subs,language:en', '-master_pl_name', 'master.m3u8', '-hls_segment_filename', 'v%v/s%03d.ts', 'v%v/index.m3u8',
    ]);
  },
  async byterange(dir) {
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, ...HLS, '-hls_flags', 'single_file', 'index.m3u8']);
  },
  async dash(dir) {
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, '-f', 'dash', '-seg_duration', '2', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'manifest.mpd']);
  },
  async 'dash-number'(dir) {
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, '-f', 'dash', '-seg_duration', '2', '-use_timeline', '0', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'manifest.mpd']);
  },
  async 'dash-time'(dir) {
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, '-f', 'dash', '-seg_duration', '2', '-avoid_negative_ts', 'make_zero', '-media_seg_name', 'chunk-$RepresentationID$-$Time$.m4s', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'manifest.mpd']);
  },
  async 'dash-list'(dir) {
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, '-f', 'dash', '-seg_duration', '2', '-single_file', '1', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'manifest.mpd']);
  },
  async 'dash-base'(dir) {
    // ffmpeg's single-file DASH files carry a global sidx; the manifest is written here as SegmentBase.
    await ffmpeg(dir, [...SOURCES(FIXTURE_SECONDS, '320x180'), ...X264, '-f', 'dash', '-seg_duration', '2', '-single_file', '1', '-global_sidx', '1', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'list.mpd']);
    const reps: string[] = [];
    for (const [i, kind] of [[0, 'video'], [1, 'audio']] as const) {
      const file = `list-stream${i}.mp4`;
      const boxes = await topLevelBoxes(path.join(dir, file));
      const moov = boxes.find((b) => b.type === 'moov')!;
      const sidx = boxes.find((b) => b.type === 'sidx');
      if (!sidx) throw new Error(`${file} has no sidx box`);
      const attrs = kind === 'video' ? 'mimeType="video/mp4" codecs="avc1.42c00c" bandwidth="650000" width="320" height="180"' : 'mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="69000"';
      reps.push(
        `<AdaptationSet contentType="${kind}"><Representation id="${i}" ${attrs}><BaseURL>${file}</BaseURL>` +
          `<SegmentBase indexRange="${sidx.start}-${sidx.start + sidx.size - 1}"><Initialization range="0-${moov.start + moov.size - 1}"/></SegmentBase></Representation></AdaptationSet>`,
      );
    }
    await writeFile(
      path.join(dir, 'manifest.mpd'),
      `<?xml version="1.0" encoding="utf-8"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011" mediaPresentationDuration="PT${FIXTURE_SECONDS}S" minBufferTime="PT2S"><Period>${reps.join('')}</Period></MPD>\n`,
    );
  },
  async heavy(dir) {
    // CBR with filler: ~6 Mbit/s (22 MB for 30 s) at a small picture, cheap to encode.
    await ffmpeg(dir, [
      ...SOURCES(FIXTURE_SECONDS, '640x360'), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50',
      '-b:v', '6M', '-minrate', '6M', '-maxrate', '6M', '-bufsize', '2M', '-x264-params', 'nal-hrd=cbr:filler=1',
      '-c:a', 'aac', '-b:a', '64k', ...HLS, '-hls_segment_filename', 's%03d.ts', 'index.m3u8',
    ]);
  },
};

async function topLevelBoxes(file: string): Promise<{ type: string; start: number; size: number }[]> {
  const bytes = await readFile(file);
  const boxes: { type: string; start: number; size: number }[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    boxes.push({ type, start: at, size });
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** Total bytes of the files in a fixture folder that match (the stream's size, for "sent ≤ 1.2x"). */
export async function bytesOf(dir: string, match: RegExp): Promise<number> {
  let sum = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    if (match.test(name)) sum += (await stat(path.join(dir, name))).size;
  }
  return sum;
}

export interface ProbeFacts {
  durationSeconds: number;
  formatName: string;
  streams: { type: string; codec: string; width?: number; height?: number }[];
}

export async function probe(file: string): Promise<ProbeFacts> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_type,codec_name,width,height', '-of', 'json', file]);
  const json = JSON.parse(stdout) as { format: { duration: string; format_name: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  return {
    durationSeconds: Number(json.format.duration),
    formatName: json.format.format_name,
    streams: json.streams.map((s) => ({ type: s.codec_type, codec: s.codec_name, ...(s.width ? { width: s.width, height: s.height } : {}) })),
  };
}

/** What `ffmpeg -v error -i FILE -f null -` prints: empty when every frame decodes. */
export async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await run(FFMPEG, ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { maxBuffer: 4 << 20 });
  return stderr.trim();
}
