import { expect, test } from 'vitest';
import type { DetectedVideo } from './video-list';
import { menuLabel, VIDEO_MENU_ID, videoOfMenuItem } from './video-menu';

const video = (url: string, over: Partial<DetectedVideo> = {}): DetectedVideo => ({ url, kind: 'hls', byType: true, pageUrl: 'https://site.test/watch', title: 'A clip', seenAt: 1, ...over });

test('the menu item names its video: the only one, or one of several by URL; other items are not ours', () => {
  const master = video('https://cdn.test/master.m3u8', { summary: { kind: 'hls', variants: [{ label: '1280×720 · 2.5 Mbit/s', value: '1280x720' }], children: ['https://cdn.test/v0.m3u8'], durationSeconds: 95 } });
  const list = [video('https://cdn.test/v0.m3u8'), master, video('https://cdn.test/other.mpd', { kind: 'dash', title: '' })];
  // The single item means the first video shown (a master's own playlists are not shown).
  expect(videoOfMenuItem(VIDEO_MENU_ID, list)?.url).toBe('https://cdn.test/master.m3u8');
  expect(videoOfMenuItem(`${VIDEO_MENU_ID}|https://cdn.test/other.mpd`, list)?.kind).toBe('dash');
  expect(videoOfMenuItem(`${VIDEO_MENU_ID}|https://cdn.test/gone.m3u8`, list)).toBeUndefined();
  expect(videoOfMenuItem('ferry-download', list)).toBeUndefined();
  expect(menuLabel(master)).toBe('A clip · 1280×720 · 1:35');
  expect(menuLabel(list[2]!)).toBe('other.mpd');
});
