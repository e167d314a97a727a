// "Describe this stream" against Debian's nginx serving an ffmpeg-made master playlist with two
// variants: the engine lists them (by type and by first bytes) without fetching a segment, says
// "no stream" for other addresses, and the variant named from the list is the one downloaded.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { variantChoiceFor } from '../../../shared/stream';
import { TransferFailure } from '../types';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { ffmpegMissing, probe } from '../../../test-support/stream-fixtures';
import { accessLog, errorOf, logLines, StreamTestKit } from '../../../test-support/stream-test-kit';

const skip = ffmpegMissing();
const kit = new StreamTestKit();
let server: TestServer;
const HLS_TYPE = { 'content-type': 'application/vnd.apple.mpegurl' };

beforeAll(async () => {
  if (!skip) {
    await kit.startServers();
    await kit.fixtures.get('master');
    await kit.fixtures.get('dash');
  }
  server = await startTestServer();
  // A playlist whose server goes silent after its first line; one far larger than any manifest.
  server.route('/silent.m3u8', { body: '#EXTM3U\n#EXT-X-VERSION:3\n'.padEnd(4000, '#'), headers: HLS_TYPE, stallAfterBytes: 8 });
  server.route('/huge.m3u8', { body: Buffer.alloc(17 << 20, 0x23), headers: HLS_TYPE });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await kit.stopServers();
});
beforeEach(async () => {
  await kit.openEngine();
});
afterEach(async () => {
  await kit.closeEngine();
});

describe.skipIf(skip)(`describeStream (${skip ?? 'ffmpeg found'})`, () => {
  it('lists both variants of a master playlist, best first, found by type and by first bytes, fetching nothing else', async () => {
    for (const server of [kit.typed, kit.plain]) {
      const before = await logLines(server);
      const described = await kit.engine.describeStream(`${server.baseUrl}/master/master.m3u8`);
      expect(described.kind).toBe('hls');
      expect(described.variants).toHaveLength(2);
      expect(described.variants[0]).toMatchObject({ width: 640, height: 360 });
      expect(described.variants[1]).toMatchObject({ width: 320, height: 180 });
      expect(described.variants[1]!.label).toMatch(/^320x180, \d+ kbit\/s$/);
      expect(described.variants[0]!.bandwidth).toBeGreaterThan(described.variants[1]!.bandwidth);
      const log = await accessLog(server, before);
      expect(log.map((r) => r.path)).toEqual(['/master/master.m3u8']);
    }
  });

  it('says "no stream" for a media file (typed or not) and offers no choice for a media playlist', async () => {
    expect(await kit.engine.describeStream(`${kit.typed.baseUrl}/master/v0/s000.ts`)).toEqual({ kind: null, variants: [] });
    expect(await kit.engine.describeStream(`${kit.plain.baseUrl}/master/v0/s000.ts`)).toEqual({ kind: null, variants: [] });
    expect(await kit.engine.describeStream(`${kit.typed.baseUrl}/master/v1/index.m3u8`)).toEqual({ kind: 'hls', variants: [] });
  });

  it('lists the video representations of a DASH manifest', async () => {
    const described = await kit.engine.describeStream(`${kit.plain.baseUrl}/dash/manifest.mpd`);
    expect(described.kind).toBe('dash');
    expect(described.variants).toEqual([expect.objectContaining({ width: 320, height: 180, label: expect.stringMatching(/^320x180, /) })]);
  });

  it('gives up on a server that goes silent, and on a body too large to be a manifest, in words', async () => {
    await expect(kit.engine.describeStream(server.url('/silent.m3u8'))).rejects.toThrow(/silent\.m3u8 was not read within its time limit/);
    await expect(kit.engine.describeStream(server.url('/huge.m3u8'))).rejects.toThrow(/huge\.m3u8 serves more than 16777216 bytes: too large to be a manifest/);
  }, 30_000);

  it('says what went wrong in words: a 404, a file that is not there', async () => {
    const error = await kit.engine.describeStream(`${kit.typed.baseUrl}/master/missing.m3u8`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferFailure);
    expect((error as TransferFailure).error.message).toMatch(/missing\.m3u8.*404/);
    await expect(kit.engine.describeStream('ftp://127.0.0.1/x.m3u8')).rejects.toThrow(/http and https/);
  });

  it('downloads the variant picked from the list', async () => {
    const url = `${kit.typed.baseUrl}/master/master.m3u8`;
    const { variants } = await kit.engine.describeStream(url);
    const smaller = variants[variants.length - 1]!;
    const view = await kit.download({ url, stream: { variant: variantChoiceFor(smaller, variants) } });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(view.download?.stream?.variant).toMatch(/^320x180/);
    expect((await probe(view.download!.filePath!)).streams.find((s) => s.type === 'video')).toMatchObject({ width: 320, height: 180 });
  }, 60_000);
});
