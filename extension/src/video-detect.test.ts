import { expect, test } from 'vitest';
import { headerValue, manifestSighting } from './video-detect';

const seen = (url: string, contentType?: string, over: { statusCode?: number; type?: string } = {}) =>
  manifestSighting({ url, contentType, statusCode: over.statusCode ?? 200, type: over.type ?? 'xmlhttprequest' });

test('by Content-Type: HLS and DASH manifests, whatever the URL says', () => {
  expect(seen('https://cdn.test/v/master.m3u8', 'application/vnd.apple.mpegurl')).toEqual({ kind: 'hls', byType: true });
  expect(seen('https://cdn.test/play?id=7', 'application/x-mpegURL; charset=utf-8')).toEqual({ kind: 'hls', byType: true });
  expect(seen('https://cdn.test/api/stream', 'application/dash+xml')).toEqual({ kind: 'dash', byType: true });
});

test('the URL shape counts only when the type says nothing definite', () => {
  expect(seen('https://cdn.test/v/index.m3u8', 'application/octet-stream')).toEqual({ kind: 'hls', byType: false });
  expect(seen('https://cdn.test/v/index.M3U8?token=1')).toEqual({ kind: 'hls', byType: false });
  expect(seen('https://cdn.test/v/manifest.mpd', 'text/xml')).toEqual({ kind: 'dash', byType: false });
  // A login page or an error page at a manifest-looking URL is not a video.
  expect(seen('https://cdn.test/v/index.m3u8', 'text/html; charset=utf-8')).toBeUndefined();
  expect(seen('https://cdn.test/v/manifest.mpd', 'application/json')).toBeUndefined();
  // Neither a definite type nor a manifest-looking URL.
  expect(seen('https://cdn.test/v/segment.ts', 'video/mp2t')).toBeUndefined();
  expect(seen('https://cdn.test/v/list', 'text/plain')).toBeUndefined();
});

test('only successful responses to the page\'s own requests, over http(s)', () => {
  expect(seen('https://cdn.test/v/master.m3u8', 'application/vnd.apple.mpegurl', { statusCode: 404 })).toBeUndefined();
  expect(seen('https://cdn.test/v/master.m3u8', 'application/vnd.apple.mpegurl', { statusCode: 304 })).toEqual({ kind: 'hls', byType: true });
  expect(seen('https://cdn.test/v/master.m3u8', 'application/vnd.apple.mpegurl', { type: 'main_frame' })).toBeUndefined();
  expect(seen('https://cdn.test/v/master.m3u8', 'application/vnd.apple.mpegurl', { type: 'media' })).toEqual({ kind: 'hls', byType: true });
  expect(seen('blob:https://cdn.test/1', 'application/vnd.apple.mpegurl')).toBeUndefined();
});

test('headerValue ignores the case of header names', () => {
  expect(headerValue([{ name: 'Content-Type', value: 'application/dash+xml' }], 'content-type')).toBe('application/dash+xml');
  expect(headerValue(undefined, 'content-type')).toBeUndefined();
});
