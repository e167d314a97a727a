// DASH through the real engine against nginx: static manifests made by ffmpeg in every segment
// addressing mpd-parser knows (SegmentTemplate with $Number$ or $Time$ and SegmentTimeline,
// SegmentList with byte ranges, SegmentBase with a sidx index), separate video and audio muxed
// into one MP4 without re-encoding; refused at once when encrypted or live.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { decodeErrors, ffmpegMissing, FIXTURE_SECONDS, probe, type FixtureName } from '../../../test-support/stream-fixtures';
import { accessLog, errorOf, StreamTestKit } from '../../../test-support/stream-test-kit';

const skip = ffmpegMissing();
const kit = new StreamTestKit();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  if (!skip) await kit.startServers();
}, 60_000);
afterAll(async () => {
  await server.close();
  await kit.stopServers();
});
beforeEach(async () => {
  await kit.openEngine();
});
afterEach(async () => {
  await kit.closeEngine();
});

describe.skipIf(skip)(`DASH streams (${skip ?? 'ffmpeg found'})`, () => {
  it.each<[FixtureName, string]>([
    ['dash', 'SegmentTemplate + SegmentTimeline ($Number$)'],
    ['dash-number', 'SegmentTemplate with a duration ($Number$)'],
    ['dash-time', 'SegmentTemplate + SegmentTimeline ($Time$)'],
    ['dash-list', 'SegmentList with byte ranges'],
    ['dash-base', 'SegmentBase with a sidx index'],
  ])('%s: %s, video and audio into one MP4', async (fixture) => {
    await kit.fixtures.get(fixture);
    const view = await kit.download({ url: `${kit.plain.baseUrl}/${fixture}/manifest.mpd` });
    expect(view.state, errorOf(view)).toBe('completed');
    // "dash" and "manifest" say nothing about the video: the name falls back to the last path segment.
    const name = fixture === 'dash' ? 'manifest.mp4' : `${fixture}.mp4`;
    expect(view.name).toBe(name);
    expect(view.download?.stream).toMatchObject({ kind: 'dash', tracks: ['video', 'audio'] });
    expect(view.download!.stream!.segmentsDone).toBe(view.download!.stream!.segmentsTotal);
    const facts = await probe(view.download!.filePath!);
    expect(Math.abs(facts.durationSeconds - FIXTURE_SECONDS)).toBeLessThanOrEqual(0.5);
    expect(facts.streams.find((s) => s.type === 'video')).toMatchObject({ width: 320, height: 180 });
    expect(facts.streams.some((s) => s.type === 'audio')).toBe(true);
    expect(await decodeErrors(view.download!.filePath!)).toBe('');
    expect(await kit.files()).toEqual([name]);
    if (fixture === 'dash-list' || fixture === 'dash-base') {
      const media = (await accessLog(kit.plain)).filter((r) => r.path.startsWith(`/${fixture}/`) && r.path.endsWith('.mp4'));
      expect(media.length).toBeGreaterThan(20);
      expect(media.every((r) => r.status === 206)).toBe(true);
    }
  }, 60_000);

  it('found by its Content-Type (application/dash+xml) as well', async () => {
    await kit.fixtures.get('dash');
    const view = await kit.download({ url: `${kit.typed.baseUrl}/dash/manifest.mpd`, fileName: 'typed.mp4' });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(view.name).toBe('typed.mp4');
  }, 60_000);

  it('without ffmpeg keeps video and audio side by side, says so, and drops neither', async () => {
    await kit.closeEngine();
    await kit.openEngine({ ffmpeg: null });
    await kit.fixtures.get('dash');
    const view = await kit.download({ url: `${kit.plain.baseUrl}/dash/manifest.mpd`, stream: { title: 'dash' } });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(await kit.files()).toEqual(['dash.audio.m4a', 'dash.mp4']);
    expect(view.log.map((l) => l.message).join('\n')).toMatch(/could not be put into one file \(ffmpeg was not found\): they are saved side by side as dash\.mp4 and dash\.audio\.m4a/);
    expect((await probe(path.join(kit.dir, 'dash.mp4'))).streams.map((s) => s.type)).toEqual(['video']);
    expect((await probe(path.join(kit.dir, 'dash.audio.m4a'))).streams.map((s) => s.type)).toEqual(['audio']);
    expect(await decodeErrors(path.join(kit.dir, 'dash.audio.m4a'))).toBe('');
  }, 60_000);

  it('--variant worst takes the smallest representation (and the audio set)', async () => {
    await kit.fixtures.get('dash');
    const view = await kit.download({ url: `${kit.plain.baseUrl}/dash/manifest.mpd`, stream: { variant: 'worst' }, fileName: 'worst.mp4' });
    expect(view.state, errorOf(view)).toBe('completed');
    expect((await probe(view.download!.filePath!)).streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
  }, 60_000);
});

const MPD = (extra: string, type = 'static'): string =>
  `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="${type}" mediaPresentationDuration="PT4S"><Period>` +
  `<AdaptationSet contentType="video" mimeType="video/mp4">${extra}<Representation id="v" bandwidth="100000" width="320" height="180" codecs="avc1.42c00c">` +
  `<SegmentTemplate timescale="1" duration="2" initialization="init.m4s" media="seg-$Number$.m4s" startNumber="1"/></Representation></AdaptationSet></Period></MPD>`;

describe('DASH streams Ferry refuses at once', () => {
  it.each([
    ['CENC', MPD('<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc"/>'), /encrypted \(CENC\): Ferry cannot save DRM-protected or CENC-encrypted video/],
    ['Widevine', MPD('<ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"/>'), /encrypted \(.*\)/],
    ['live', MPD('', 'dynamic'), /live DASH stream \(type="dynamic"\)/],
  ])('%s', async (name, text, message) => {
    const p = `/refuse-${name}/manifest.mpd`;
    server.route(p, { body: text, headers: { 'content-type': 'application/dash+xml' } });
    const view = await kit.download({ url: server.url(p) });
    expect(view.state).toBe('failed');
    expect(view.error?.code).toBe('UNSUPPORTED_STREAM');
    expect(view.error?.message).toMatch(message);
    expect(server.requestsFor(`/refuse-${name}/init.m4s`)).toEqual([]);
    expect(await kit.files()).toEqual([]);
  });
});
