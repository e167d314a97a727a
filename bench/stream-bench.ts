// Issue 19's stream row (BENCH_ONLY=stream): a 30 s HLS stream at ~6 Mbit/s (22 MB in 15 MPEG-TS
// segments, made by Debian's ffmpeg) from nginx capping each connection at 1 MiB/s, saved as one
// MP4 by:
//   ferry get URL                   segments over several connections, remuxed by ffmpeg
//   ffmpeg -i URL -c copy out.mp4   what people use today: one segment after another
//   yt-dlp -N 8                     its own HLS downloader with 8 fragments at once (when installed:
//                                   `apt-get install yt-dlp`; Debian's 2023.03 package)
// Target: ferry's wall time <= 0.5x ffmpeg's. Every result is checked with ffprobe (30 s, audio).
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startNginx } from '../test-support/nginx';
import { bytesOf, probe, StreamFixtures } from '../test-support/stream-fixtures';
import { ferryGet, type CommandLine } from './contenders';
import { BENCH_DIR } from './fixtures';
import { median, table, type Verdict } from './report';
import { measure, type Measurement } from './run-command';
import { settle } from './settle';

type Line = (url: string, dir: string) => CommandLine;

const LINES: Record<string, Line> = {
  'ferry get': (url, dir) => ferryGet(url, dir, path.join(dir, '..', 'ferry-data')),
  'ffmpeg -c copy': (url, dir) => ({ command: 'ffmpeg', args: ['-nostdin', '-v', 'error', '-y', '-i', url, '-c', 'copy', path.join(dir, 'out.mp4')] }),
  'yt-dlp -N 8': (url, dir) => ({
    command: 'yt-dlp',
    args: ['--ignore-config', '--quiet', '--no-progress', '--hls-prefer-native', '-N', '8', '--remux-video', 'mp4', '-o', path.join(dir, 'out.%(ext)s'), url],
  }),
};

function installed(command: string): boolean {
  return spawnSync(command, [command === 'ffmpeg' ? '-version' : '--version'], { stdio: 'ignore' }).status === 0;
}

export async function streamBench(options: { runs: number }): Promise<Verdict[]> {
  if (!installed('ffmpeg')) {
    console.log('\n(stream) skipped: ffmpeg is not installed (apt-get install ffmpeg)');
    return [{ target: '(stream) 30 s 6 Mbit/s HLS at 1 MiB/s per connection, wall ferry / ffmpeg <= 0.5', measured: 'skipped: no ffmpeg', pass: null }];
  }
  const who = Object.keys(LINES).filter((name) => name !== 'yt-dlp -N 8' || installed('yt-dlp'));
  if (!who.includes('yt-dlp -N 8')) console.log('\n(stream) yt-dlp is not installed (apt-get install yt-dlp): its column is left out');
  const fixtures = new StreamFixtures();
  const streamDir = await fixtures.get('heavy');
  const streamBytes = await bytesOf(streamDir, /\.ts$/);
  const nginx = await startNginx({ root: await fixtures.root(), limitRate: '1m' });
  const work = path.join(BENCH_DIR, 'stream-work');
  const results: Record<string, Measurement[]> = Object.fromEntries(who.map((w) => [w, []]));
  try {
    for (let run = 0; run < options.runs; run++) {
      const order = run % 2 ? [...who].reverse() : who;
      for (const name of order) results[name]!.push(await fetchOnce(LINES[name]!, `${nginx.baseUrl}/heavy/index.m3u8`, work));
    }
  } finally {
    await nginx.stop();
    await fixtures.remove();
    await rm(work, { recursive: true, force: true });
  }
  const ffmpegWall = median(results['ffmpeg -c copy']!.map((m) => m.seconds));
  console.log(`\n(stream) 30 s HLS, ${(streamBytes / 1e6).toFixed(1)} MB in 15 segments, nginx limit_rate 1m per connection, ${options.runs} runs (median)`);
  console.log(
    table(
      ['', 'wall', 'wall / ffmpeg', 'CPU (user+sys)', 'peak RSS'],
      who.map((name) => {
        const runs = results[name]!;
        const wall = median(runs.map((m) => m.seconds));
        const cpu = runs.every((m) => m.cpuSeconds !== null) ? `${median(runs.map((m) => m.cpuSeconds!)).toFixed(2)} s` : 'n/a';
        const rss = Math.max(...runs.map((m) => m.peakRss ?? 0));
        return [name, `${wall.toFixed(2)} s`, (wall / ffmpegWall).toFixed(2), cpu, rss ? `${(rss / 1e6).toFixed(0)} MB` : 'n/a'];
      }),
    ),
  );
  const ferryWall = median(results['ferry get']!.map((m) => m.seconds));
  const ratio = ferryWall / ffmpegWall;
  const ytdlp = results['yt-dlp -N 8'] ? `; yt-dlp -N 8 ${median(results['yt-dlp -N 8'].map((m) => m.seconds)).toFixed(2)} s` : '';
  return [
    {
      target: '(stream) 30 s 6 Mbit/s HLS at 1 MiB/s per connection, wall ferry / ffmpeg -c copy <= 0.5',
      measured: `${ferryWall.toFixed(2)} s / ${ffmpegWall.toFixed(2)} s = ${ratio.toFixed(2)}${ytdlp}`,
      pass: ratio <= 0.5,
    },
  ];
}

/** One download into a fresh folder; the one file it leaves must be a 30 s video with audio. */
async function fetchOnce(line: Line, url: string, work: string): Promise<Measurement> {
  await rm(work, { recursive: true, force: true });
  const dir = path.join(work, 'out');
  await mkdir(dir, { recursive: true });
  const { command, args } = line(url, dir);
  await settle();
  const result = await measure(command, args);
  if (result.exitCode !== 0) throw new Error(`${command} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const files = (await readdir(dir)).filter((name) => !name.startsWith('.'));
  if (files.length !== 1) throw new Error(`${command} left ${files.join(', ') || 'nothing'} instead of one file`);
  const facts = await probe(path.join(dir, files[0]!));
  if (Math.abs(facts.durationSeconds - 30) > 0.5 || !facts.streams.some((s) => s.type === 'audio')) {
    throw new Error(`${command} made ${files[0]}: ${facts.durationSeconds} s, streams ${facts.streams.map((s) => s.type).join('+')}`);
  }
  return result;
}
