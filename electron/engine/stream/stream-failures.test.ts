// Streams that cannot or must not become a file: DRM and SAMPLE-AES, live playlists, a segment
// or key the server refuses; and servers that falter (503s, a body cut short) where the stream must
// still complete. Served by the project's awkward test server, fixtures by ffmpeg.
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type RouteOptions, type TestServer } from '../../../test-support/http-test-server';
import { decodeErrors, ffmpegMissing, StreamFixtures } from '../../../test-support/stream-fixtures';
import { errorOf, StreamTestKit } from '../../../test-support/stream-test-kit';
import { newConnection } from '../download/range-connection';
import { fetchItem } from './item-fetch';

const skip = ffmpegMissing();
const kit = new StreamTestKit();
let server: TestServer;
let fixtures: StreamFixtures;
let prefixCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  fixtures = kit.fixtures;
});
afterAll(async () => {
  await server.close();
  await fixtures.remove();
});
beforeEach(async () => {
  await kit.openEngine();
});
afterEach(async () => {
  await kit.closeEngine();
});

/** Serves a fixture folder under a fresh prefix; `faults` sets route options per file name. */
async function serve(name: 'master' | 'aes', faults: Record<string, RouteOptions> = {}, edit?: (playlist: string) => string): Promise<string> {
  const dir = await fixtures.get(name);
  const prefix = `/p${++prefixCount}`;
  for (const file of await readdir(dir, { recursive: true })) {
    if (!/\.(ts|m3u8|bin)$/.test(file)) continue;
    let body: Buffer | string = await readFile(path.join(dir, file));
    if (edit && file.endsWith('.m3u8')) body = edit(body.toString('utf8'));
    server.route(`${prefix}/${file}`, { body, ...faults[file] });
  }
  return prefix;
}

function playlistRoute(text: string): string {
  const p = `/pl${++prefixCount}/index.m3u8`;
  server.route(p, { body: text });
  return server.url(p);
}

const MEDIA = (key: string, end = '#EXT-X-ENDLIST\n'): string =>
  `#EXTM3U\n#EXT-X-VERSION:5\n#EXT-X-TARGETDURATION:2\n${key}\n#EXTINF:2,\ns000.ts\n#EXTINF:2,\ns001.ts\n${end}`;

describe('streams Ferry refuses at once, saying why', () => {
  it.each([
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"', /protected by DRM \(FairPlay\)/],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k.bin"', /encrypted with SAMPLE-AES .* decrypts only METHOD=AES-128/],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;base64,AAAA",KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"', /protected by DRM \(Widevine\)/],
  ])('%s', async (key, message) => {
    const url = playlistRoute(MEDIA(key));
    const view = await kit.download({ url });
    expect(view.state).toBe('failed');
    expect(view.error?.code).toBe('UNSUPPORTED_STREAM');
    expect(view.error?.message).toMatch(message);
    expect(view.attempt).toBe(1); // not retried: waiting will not change it
    const folder = new URL(url).pathname.replace('/index.m3u8', '');
    expect(server.requestsFor(`${folder}/s000.ts`)).toEqual([]);
    expect(await kit.files()).toEqual([]);
  });

  it('a live playlist (no EXT-X-ENDLIST)', async () => {
    const view = await kit.download({ url: playlistRoute(MEDIA('', '')) });
    expect(view.state).toBe('failed');
    expect(view.error?.message).toMatch(/live stream .*no EXT-X-ENDLIST.*finished \(VOD\) streams only/);
    expect(await kit.files()).toEqual([]);
  });
});

describe.skipIf(skip)(`segments and keys the server refuses or falters on (${skip ?? 'ffmpeg found'})`, () => {
  it('a segment answered 404 fails the transfer with the segment named; nothing is marked completed', async () => {
    const prefix = await serve('master', { 'v0/s006.ts': { status: 404 } });
    const view = await kit.download({ url: server.url(`${prefix}/master.m3u8`) });
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'HTTP_STATUS', status: 404 });
    expect(view.error?.message).toMatch(new RegExp(`^Segment 7 of 15 \\(${server.url(prefix)}/v0/s006\\.ts\\): Server says 404`));
    // The segments on disk stay for a retry; no finished file.
    expect((await kit.files()).filter((n) => !n.endsWith('.stream.part'))).toEqual([]);
  }, 60_000);

  it('an AES key the server refuses fails before any segment is fetched', async () => {
    const prefix = await serve('aes', { 'key.bin': { status: 403 } });
    const view = await kit.download({ url: server.url(`${prefix}/index.m3u8`) });
    expect(view.state).toBe('failed');
    expect(view.error?.message).toMatch(/The AES-128 key .*key\.bin: Server says 403/);
    expect(server.requestsFor(`${prefix}/s000.ts`)).toEqual([]);
  }, 60_000);

  it('completes through 503s and a body cut short: the cut segment continues with Range + If-Range', async () => {
    const prefix = await serve('master', {
      'v0/s003.ts': { statusSequence: [503, 503] },
      'v0/s008.ts': { cutAfterBytes: 40_000, cutTimes: 1 },
    });
    const view = await kit.download({ url: server.url(`${prefix}/master.m3u8`) });
    expect(view.state, errorOf(view)).toBe('completed');
    expect(await decodeErrors(view.download!.filePath!)).toBe('');
    const cut = server.requestsFor(`${prefix}/v0/s008.ts`);
    expect(cut.length).toBe(2);
    expect(cut[1]!.headers.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/^bytes=(\d+)-$/.exec(cut[1]!.headers.range as string)![1])).toBeGreaterThan(0);
    expect(cut[1]!.headers['if-range']).toBeTruthy();
    expect(server.requestsFor(`${prefix}/v0/s003.ts`).length).toBe(3);
  }, 60_000);
});

describe.skipIf(skip)(`credentials have an origin (${skip ?? 'ffmpeg found'})`, () => {
  it("the user's cookies go to the playlist's origin only; segments on a CDN get User-Agent and the Referer's origin", async () => {
    const cdn = await startTestServer();
    try {
      const dir = await fixtures.get('master');
      const names = (await readdir(path.join(dir, 'v1'))).filter((n) => n.endsWith('.ts'));
      for (const name of names) cdn.route(`/cdn/${name}`, { body: await readFile(path.join(dir, 'v1', name)) });
      const playlist = (await readFile(path.join(dir, 'v1', 'index.m3u8'), 'utf8')).replace(/^(s\d+\.ts)$/gm, `${cdn.url('/cdn')}/$1`);
      const url = playlistRoute(playlist);
      const headers = { Cookie: 'session=secret', Authorization: 'Bearer t0ken', 'User-Agent': 'Ferry-test/1', Referer: 'http://127.0.0.1/page' };
      const view = await kit.download({ url, headers });
      expect(view.state, errorOf(view)).toBe('completed');
      expect(server.requestsFor(new URL(url).pathname)[0]!.headers).toMatchObject({ cookie: 'session=secret', authorization: 'Bearer t0ken' });
      const seen = cdn.requestsFor('/cdn/s000.ts')[0]!.headers;
      // The Referer cut to the page's origin, as origin-headers.ts does for every other origin.
      expect(seen).toMatchObject({ 'user-agent': 'Ferry-test/1', referer: 'http://127.0.0.1/' });
      expect(seen.cookie).toBeUndefined();
      expect(seen.authorization).toBeUndefined();
    } finally {
      await cdn.close();
    }
  }, 60_000);
});

describe('a segment whose bytes are all on disk already', () => {
  it('(its connection closed before it was marked done) is complete when the server answers 416 at its end', async () => {
    const body = Buffer.alloc(50_000, 7);
    server.route('/whole/s000.ts', { body });
    const file = path.join(await kit.fixtures.root(), 'whole-s000.seg');
    await writeFile(file, body);
    const etag = `"${(await fetch(server.url('/whole/s000.ts'), { method: 'HEAD' })).headers.get('etag')?.replace(/"/g, '') ?? ''}"`;
    const handle = await open(file, 'r+');
    try {
      const fetched = await fetchItem({
        item: { url: server.url('/whole/s000.ts'), init: false, duration: 2 },
        from: body.length,
        validator: etag,
        headers: { own: {}, user: {}, givenFor: null },
        handle,
        conn: newConnection(),
        signal: new AbortController().signal,
        stallTimeoutMs: 5000,
        throttle: () => undefined,
        batchBytes: 1 << 16,
        label: 'Segment 1 of 1',
        answered: () => undefined,
        restarted: () => undefined,
        written: () => undefined,
      });
      expect(fetched.size).toBe(body.length);
    } finally {
      await handle.close();
    }
    expect(server.responsesFor('/whole/s000.ts').at(-1)?.status).toBe(416);
    expect((await readFile(file)).equals(body)).toBe(true);
  });
});
