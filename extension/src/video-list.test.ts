import { expect, test } from 'vitest';
import type { ManifestSummary } from './manifest-summary';
import { MAX_VIDEOS_PER_TAB, pageTitle, videoTitle, visibleVideos, withDetails, withSighting, type DetectedVideo } from './video-list';

const video = (url: string, over: Partial<DetectedVideo> = {}): DetectedVideo => ({ url, kind: 'hls', byType: true, pageUrl: 'https://site.test/watch', title: 'A clip', seenAt: 1, ...over });
const master: ManifestSummary = { kind: 'hls', variants: [], children: ['https://cdn.test/v0.m3u8', 'https://cdn.test/v1.m3u8'] };

test('one entry per manifest URL, the oldest dropped past the limit', () => {
  let list = withSighting([], video('https://cdn.test/master.m3u8'));
  list = withSighting(list, video('https://cdn.test/master.m3u8', { seenAt: 2 }));
  expect(list).toHaveLength(1);
  expect(list[0]!.seenAt).toBe(1);
  for (let i = 0; i < MAX_VIDEOS_PER_TAB + 5; i++) list = withSighting(list, video(`https://cdn.test/live-${i}.m3u8`));
  expect(list).toHaveLength(MAX_VIDEOS_PER_TAB);
  expect(list.at(-1)!.url).toBe(`https://cdn.test/live-${MAX_VIDEOS_PER_TAB + 4}.m3u8`);
});

test('the playlists a master names are part of it, whichever was seen first: one video, not three', () => {
  let list = [video('https://cdn.test/v0.m3u8'), video('https://cdn.test/master.m3u8'), video('https://cdn.test/v1.m3u8')];
  expect(visibleVideos(list)).toHaveLength(3);
  list = withDetails(list, 'https://cdn.test/master.m3u8', { summary: master });
  expect(visibleVideos(list).map((v) => v.url)).toEqual(['https://cdn.test/master.m3u8']);
});

test('a manifest-looking URL whose body is no manifest is dropped; one the type vouches for stays; a read that failed is kept with its reason', () => {
  const list = [video('https://cdn.test/hint.m3u8', { byType: false }), video('https://cdn.test/typed.m3u8')];
  expect(withDetails(list, 'https://cdn.test/hint.m3u8', { notAManifest: true }).map((v) => v.url)).toEqual(['https://cdn.test/typed.m3u8']);
  expect(withDetails(list, 'https://cdn.test/typed.m3u8', { notAManifest: true })).toHaveLength(2);
  expect(withDetails(list, 'https://cdn.test/typed.m3u8', { missing: 'the server answered 403' })[1]!.detailsMissing).toBe('the server answered 403');
});

test('videoTitle: the page title, else the manifest\'s file name', () => {
  expect(videoTitle({ title: '  Launch day ', url: 'https://cdn.test/a/master.m3u8' })).toBe('Launch day');
  expect(videoTitle({ title: '', url: 'https://cdn.test/a/my%20clip.m3u8?x=1' })).toBe('my clip.m3u8');
});

test('pageTitle: the tab\'s title, not the address the browser shows when a page has none', () => {
  expect(pageTitle({ title: 'Launch day', url: 'http://127.0.0.1:8080/watch' })).toBe('Launch day');
  expect(pageTitle({ title: '127.0.0.1:8080/watch', url: 'http://127.0.0.1:8080/watch' })).toBe('');
  expect(pageTitle({ title: 'http://127.0.0.1:8080/', url: 'http://127.0.0.1:8080/' })).toBe('');
  expect(pageTitle(undefined)).toBe('');
});
