// HLS through the real engine and download worker against Debian's nginx serving streams made by
// Debian's ffmpeg; every result is checked with ffprobe (duration, picture, audio) and decoded in
// full by ffmpeg. Skips, saying why, where ffmpeg is not installed.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bytesOf, decodeErrors, ffmpegMissing, FIXTURE_SECONDS, probe } from '../../../test-support/stream-fixtures';
import { accessLog, errorOf, StreamTestKit } from '../../../test-support/stream-test-kit';

const skip = ffmpegMissing();
const kit = new StreamTestKit();

beforeAll(async () => {
  if (!skip) await kit.startServers();
}, 60_000);
afterAll(async () => {
  await kit.stopServers();
});
beforeEach(async () => {
  await kit.openEngine();
});
afterEach(async () => {
  await kit.closeEngine();
});

async function checkPlayable(file: string, size: { width: number; height: number }): Promise<void> {
  const facts = await probe(file);
  expect(Math.abs(facts.durationSeconds - FIXTURE_SECONDS)).toBeLessThanOrEqual(0.5);
  expect(facts.streams.find((s) => s.type === 'video')).toMatchObject(size);
  expect(facts.streams.some((s) => s.type === 'audio')).toBe(true);
  expect(await decodeErrors(file)).toBe('');
}

describe.skipIf(skip)(`HLS streams (${skip ?? 'ffmpeg found'})`, () => {
  it('turns a master playlist found by its first bytes into one MP4 of the best variant', async () => {
    await kit.fixtures.get('master');
    const view = await kit.download({ url: `${kit.plain.baseUrl}/master/master.m3u8` });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(view.name).toBe('master.mp4');
    expect(view.download?.filePath).toBe(path.join(kit.dir, 'master.mp4'));
    expect(await kit.files()).toEqual(['master.mp4']);
    await checkPlayable(view.download!.filePath!, { width: 640, height: 360 });
    expect(view.download?.stream).toMatchObject({ kind: 'hls', segmentsDone: 15, segmentsTotal: 15, sizeEstimated: false, tracks: ['video+audio'] });
    expect(view.download?.stream?.variant).toMatch(/^640x360/);
    // Only the chosen variant's segments were fetched.
    const log = await accessLog(kit.plain);
    expect(log.filter((r) => r.path.startsWith('/master/v1/'))).toEqual([]);
    expect(log.filter((r) => /\/master\/v0\/s\d+\.ts$/.test(r.path)).length).toBe(15);
  }, 60_000);

  it('takes the variant asked for: worst, WIDTHxHEIGHT; a resolution not offered fails with the list', async () => {
    const worst = await kit.download({ url: `${kit.typed.baseUrl}/master/master.m3u8`, stream: { variant: 'worst' } });
    expect(worst.state, errorOf(worst)).toBe('completed');
    await checkPlayable(worst.download!.filePath!, { width: 320, height: 180 });
    const named = await kit.download({ url: `${kit.typed.baseUrl}/master/master.m3u8`, stream: { variant: '320x180' }, fileName: 'small.mp4' });
    expect(named.state, errorOf(named)).toBe('completed');
    expect(named.name).toBe('small.mp4');
    expect((await probe(named.download!.filePath!)).streams.find((s) => s.type === 'video')).toMatchObject({ width: 320, height: 180 });
    const missing = await kit.download({ url: `${kit.typed.baseUrl}/master/master.m3u8`, stream: { variant: '1920x1080' } });
    expect(missing.state).toBe('failed');
    expect(missing.error?.code).toBe('UNSUPPORTED_STREAM');
    expect(missing.error?.message).toMatch(/No variant is 1920x1080; the stream offers: 640x360, .*; 320x180/);
  }, 90_000);

  it("keeps to the transfer's speed limit across all its connections", async () => {
    const dir = await kit.fixtures.get('master');
    const bytes = await bytesOf(path.join(dir, 'v0'), /\.ts$/);
    const limit = 1 << 20;
    const started = Date.now();
    const view = await kit.download({ url: `${kit.plain.baseUrl}/master/master.m3u8`, speedLimit: limit, fileName: 'limited.mp4' });
    const seconds = (Date.now() - started) / 1000;
    expect(view.state, errorOf(view)).toBe('completed');
    // The limiter lets at most half a second through ahead: never faster than that.
    expect(seconds).toBeGreaterThanOrEqual(bytes / limit - 0.5);
  }, 60_000);

  it('names the file after the page title when one is given', async () => {
    await kit.fixtures.get('master');
    const view = await kit.download({ url: `${kit.typed.baseUrl}/master/master.m3u8`, stream: { title: 'Launch day: the talk / part 1' } });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(view.name).toBe('Launch day_ the talk _ part 1.mp4');
  }, 60_000);

  it('decrypts AES-128 segments, with the IV from the tag and from the media sequence number', async () => {
    await kit.fixtures.get('aes');
    await kit.fixtures.get('aes-seq');
    for (const fixture of ['aes', 'aes-seq']) {
      const view = await kit.download({ url: `${kit.plain.baseUrl}/${fixture}/index.m3u8` });
      expect(view.state, errorOf(view)).toBe('completed');
      expect(view.name).toBe(`${fixture}.mp4`);
      await checkPlayable(view.download!.filePath!, { width: 320, height: 180 });
    }
    const keyFetches = (await accessLog(kit.plain)).filter((r) => /\/aes(-seq)?\/key\.bin$/.test(r.path));
    expect(keyFetches.length).toBe(2);
  }, 90_000);

  it('joins fMP4 segments after their init section, with and without ffmpeg', async () => {
    await kit.fixtures.get('fmp4');
    const remuxed = await kit.download({ url: `${kit.plain.baseUrl}/fmp4/index.m3u8` });
    expect(remuxed.state, errorOf(remuxed)).toBe('completed');
    await checkPlayable(remuxed.download!.filePath!, { width: 320, height: 180 });
    await kit.closeEngine();
    await kit.openEngine({ ffmpeg: null });
    const joined = await kit.download({ url: `${kit.plain.baseUrl}/fmp4/index.m3u8` });
    expect(joined.state, errorOf(joined)).toBe('completed');
    expect(joined.name).toBe('fmp4.mp4');
    await checkPlayable(joined.download!.filePath!, { width: 320, height: 180 });
    // Joined as served: the init section, then every segment.
    const root = await kit.fixtures.root();
    const parts = [await readFile(path.join(root, 'fmp4/init.mp4'))];
    for (let i = 0; i < 15; i++) parts.push(await readFile(path.join(root, `fmp4/s${String(i).padStart(3, '0')}.m4s`)));
    expect((await readFile(joined.download!.filePath!)).equals(Buffer.concat(parts))).toBe(true);
  }, 90_000);

  it('without ffmpeg saves MPEG-TS segments joined as .ts, and says so', async () => {
    await kit.closeEngine();
    await kit.openEngine({ ffmpeg: null });
    await kit.fixtures.get('master');
    const view = await kit.download({ url: `${kit.plain.baseUrl}/master/master.m3u8`, fileName: 'clip.mp4' });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(view.name).toBe('clip.ts');
    expect(view.log.map((l) => l.message).join('\n')).toMatch(/Saved as clip\.ts: without ffmpeg the segments are joined as they are \(MPEG-TS\)/);
    const facts = await probe(view.download!.filePath!);
    expect(facts.formatName).toBe('mpegts');
    await checkPlayable(view.download!.filePath!, { width: 640, height: 360 });
  }, 60_000);

  it('honours EXT-X-BYTERANGE: ranges of one file, each fetched on its own', async () => {
    await kit.fixtures.get('byterange');
    const view = await kit.download({ url: `${kit.plain.baseUrl}/byterange/index.m3u8` });
    expect(view.state, errorOf(view)).toBe('completed');
    await checkPlayable(view.download!.filePath!, { width: 320, height: 180 });
    const ranged = (await accessLog(kit.plain)).filter((r) => r.path === '/byterange/index.ts');
    expect(ranged.length).toBe(15);
    expect(ranged.every((r) => r.status === 206)).toBe(true);
  }, 60_000);

  it('puts an EXT-X-MEDIA audio rendition into the one file; without ffmpeg keeps both, side by side, and says so', async () => {
    await kit.fixtures.get('agroup');
    const muxed = await kit.download({ url: `${kit.plain.baseUrl}/agroup/master.m3u8` });
    expect(muxed.state, errorOf(muxed)).toBe('completed');
    expect(muxed.download?.stream?.tracks).toEqual(['video', 'audio (en)']);
    await checkPlayable(muxed.download!.filePath!, { width: 320, height: 180 });
    await kit.closeEngine();
    await kit.openEngine({ ffmpeg: null });
    const apart = await kit.download({ url: `${kit.plain.baseUrl}/agroup/master.m3u8` });
    expect(apart.state, errorOf(apart)).toBe('completed');
    expect(await kit.files()).toEqual(['agroup.audio.en.ts', 'agroup.ts']);
    expect(apart.log.map((l) => l.message).join('\n')).toMatch(/saved side by side as agroup\.ts and agroup\.audio\.en\.ts/);
    expect((await probe(path.join(kit.dir, 'agroup.audio.en.ts'))).streams.map((s) => s.type)).toEqual(['audio']);
  }, 90_000);

  it('saves the subtitle rendition the variant names beside the video, its segments under one header', async () => {
    await kit.fixtures.get('subs');
    const view = await kit.download({ url: `${kit.plain.baseUrl}/subs/master.m3u8` });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(view.download?.stream?.tracks).toEqual(['video+audio', 'subtitles (en)']);
    expect(await kit.files()).toEqual(['subs.en.vtt', 'subs.mp4']);
    await checkPlayable(path.join(kit.dir, 'subs.mp4'), { width: 320, height: 180 });
    const vtt = await readFile(path.join(kit.dir, 'subs.en.vtt'), 'utf8');
    expect(vtt.match(/WEBVTT/g)).toHaveLength(1);
    expect(vtt).toMatch(/Hello[\s\S]*World/);
    const facts = await probe(path.join(kit.dir, 'subs.en.vtt'));
    expect(facts.streams.map((s) => s.type)).toEqual(['subtitle']);
  }, 60_000);

  it('never by the extension: a .m3u8 that serves something else is the file it is, unless its type says HLS', async () => {
    const root = await kit.fixtures.root();
    await writeFile(path.join(root, 'not-a-playlist.m3u8'), '<html><body>Sign in first</body></html>');
    await writeFile(path.join(root, 'radio.m3u8'), '#EXTM3U\n#EXTINF:-1,Radio\nhttp://127.0.0.1:9/radio\n');
    for (const name of ['not-a-playlist.m3u8', 'radio.m3u8']) {
      const view = await kit.download({ url: `${kit.plain.baseUrl}/${name}` });
      expect(view.state, errorOf(view)).toBe('completed');
      expect(view.name).toBe(name);
      expect(view.download?.stream).toBeUndefined();
    }
    // Served as application/vnd.apple.mpegurl: a stream that cannot be read fails, it is not "completed".
    const typed = await kit.download({ url: `${kit.typed.baseUrl}/not-a-playlist.m3u8` });
    expect(typed.state).toBe('failed');
    expect(typed.error?.message).toMatch(/HLS playlist .* cannot be read/);
  }, 30_000);
});
