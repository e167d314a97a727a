// The extension reads the manifests ffmpeg made, served by nginx with their real types, the way
// its service worker does (fetch), and an origin that refuses or floods it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startNginx, type NginxServer } from '../../test-support/nginx';
import { ffmpegMissing, StreamFixtures } from '../../test-support/stream-fixtures';
import { TYPED } from '../../test-support/stream-test-kit';
import { readManifest, readsWithCookies } from './manifest-fetch';

const skip = ffmpegMissing();

describe.skipIf(skip)(`reading a manifest the page fetched (${skip ?? 'ffmpeg found'})`, () => {
  const fixtures = new StreamFixtures();
  let nginx: NginxServer;
  beforeAll(async () => {
    await fixtures.get('master');
    await fixtures.get('dash');
    nginx = await startNginx({ root: await fixtures.root(), extraLocationConfig: TYPED });
  }, 120_000);
  afterAll(async () => {
    await nginx?.stop();
    await fixtures.remove();
  });

  test('an HLS master: both variants, the duration from its first variant, the playlists it names', async () => {
    const result = await readManifest('hls', `${nginx.baseUrl}/master/master.m3u8`, true);
    expect(result.ok).toBe(true);
    const { summary } = result as Extract<typeof result, { ok: true }>;
    expect(summary.variants.map((v) => v.value)).toEqual(['640x360', '320x180']);
    expect(summary.durationSeconds).toBeGreaterThan(29.5);
    expect(summary.durationSeconds).toBeLessThan(30.5);
    expect(summary.children.sort()).toEqual([`${nginx.baseUrl}/master/v0/index.m3u8`, `${nginx.baseUrl}/master/v1/index.m3u8`]);
  });

  test('DASH with separate audio and video: the duration, one video representation (no choice to offer)', async () => {
    const result = await readManifest('dash', `${nginx.baseUrl}/dash/manifest.mpd`, true);
    expect(result).toMatchObject({ ok: true, summary: { kind: 'dash', variants: [], durationSeconds: 30 } });
  });

  test('a refusal or a flood is a reason in words, not a crash', async () => {
    expect(await readManifest('hls', `${nginx.baseUrl}/master/missing.m3u8`, true)).toEqual({ ok: false, reason: 'the server answered 404' });
    const flood = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/vnd.apple.mpegurl');
      res.write('#EXTM3U\n');
      const line = `${'#EXT-X-COMMENT:'.padEnd(1023, 'x')}\n`;
      const pump = () => {
        while (res.write(line)) if (res.writableLength > 1 << 20) break;
      };
      res.on('drain', pump);
      pump();
    });
    await new Promise<void>((ok) => flood.listen(0, '127.0.0.1', ok));
    try {
      const answer = await readManifest('hls', `http://127.0.0.1:${(flood.address() as AddressInfo).port}/endless.m3u8`, false);
      expect(answer).toEqual({ ok: false, reason: 'the manifest is too large to read here' });
    } finally {
      flood.closeAllConnections();
      await new Promise((ok) => flood.close(ok));
    }
  });
});

test('the extension reads a manifest with cookies only on the page\'s own site (it would get even SameSite=Strict ones)', () => {
  expect(readsWithCookies('https://video.site.test/v/master.m3u8', 'https://www.site.test/watch')).toBe(true);
  expect(readsWithCookies('https://bank.test/account/.m3u8', 'https://evil.test/page')).toBe(false);
  expect(readsWithCookies('https://cdn.site.test/m.mpd', 'https://www.site.test/watch', 'https://player.other.test/embed')).toBe(false);
  expect(readsWithCookies('http://127.0.0.1:8080/hls/master.m3u8', 'http://127.0.0.1:8080/watch')).toBe(true);
});
