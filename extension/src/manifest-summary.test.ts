import { expect, test } from 'vitest';
import { formatDuration } from './format';
import { summarizeManifest, variantOptions } from './manifest-summary';

const MASTER = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,URI="audio/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360,AUDIO="aud"
low/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,AUDIO="aud"
https://cdn.test/hd/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=1280x720,AUDIO="aud"
mid/index.m3u8
`;

const media = (end: boolean, key = '') => `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
${key}
#EXTINF:6.0,
s0.ts
#EXTINF:6.0,
s1.ts
#EXTINF:3.5,
s2.ts
${end ? '#EXT-X-ENDLIST' : ''}
`;

test('an HLS master: variants best first, each with the ferry-variant value that picks it alone; the playlists it names', () => {
  const result = summarizeManifest('hls', MASTER, 'https://site.test/v/master.m3u8');
  expect(result.ok).toBe(true);
  const summary = (result as Extract<typeof result, { ok: true }>).summary;
  expect(summary.variants).toEqual([
    // Two variants share 1280x720: the bandwidth picks each of them.
    { label: '1280×720 · 2.5 Mbit/s', value: '2500000' },
    { label: '1280×720 · 1.2 Mbit/s', value: '1200000' },
    { label: '640×360 · 400 kbit/s', value: '640x360' },
  ]);
  expect(summary.children.sort()).toEqual(['https://cdn.test/hd/index.m3u8', 'https://site.test/v/audio/en.m3u8', 'https://site.test/v/low/index.m3u8', 'https://site.test/v/mid/index.m3u8']);
  expect(summary.durationFrom).toBe('https://site.test/v/low/index.m3u8');
  expect(summary.problem).toBeUndefined();
});

test('an HLS media playlist: its duration; live and DRM-protected ones say why Ferry cannot save them', () => {
  expect(summarizeManifest('hls', media(true), 'https://x.test/i.m3u8')).toEqual({ ok: true, summary: { kind: 'hls', variants: [], children: [], durationSeconds: 15.5 } });
  expect(summarizeManifest('hls', media(false), 'https://x.test/i.m3u8')).toEqual({ ok: true, summary: { kind: 'hls', variants: [], children: [], problem: 'A live stream: Ferry saves finished streams only' } });
  const drm = summarizeManifest('hls', media(true, '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://k",KEYFORMAT="com.apple.streamingkeydelivery"'), 'https://x.test/i.m3u8');
  expect(drm).toMatchObject({ ok: true, summary: { problem: 'Protected by DRM: Ferry cannot save it' } });
  const aes = summarizeManifest('hls', media(true, '#EXT-X-KEY:METHOD=AES-128,URI="key.bin"'), 'https://x.test/i.m3u8');
  expect(aes).toMatchObject({ ok: true, summary: { durationSeconds: 15.5 } });
  expect((aes as { summary: object }).summary).not.toHaveProperty('problem');
});

test('a body that is not the manifest its URL promised is refused', () => {
  expect(summarizeManifest('hls', '<!doctype html><title>Sign in</title>', 'https://x.test/i.m3u8')).toEqual({ ok: false, reason: 'not an HLS playlist (no #EXTM3U)' });
  expect(summarizeManifest('dash', '{"error":"expired"}', 'https://x.test/m.mpd')).toEqual({ ok: false, reason: 'not a DASH manifest (no <MPD>)' });
});

const mpd = (extra: string, type = 'static') => `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="${type}" mediaPresentationDuration="PT1M5.5S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="0" start="PT0S">
    <AdaptationSet contentType="video" mimeType="video/mp4">${extra}
      <SegmentTemplate timescale="1000" duration="2000" media="v$RepresentationID$-$Number$.m4s" initialization="v$RepresentationID$-init.m4s" startNumber="1"/>
      <Representation id="hd" bandwidth="3000000" width="1920" height="1080" codecs="avc1.640028"/>
      <Representation id="sd" bandwidth="800000" width="854" height="480" codecs="avc1.4d401e"/>
    </AdaptationSet>
  </Period>
</MPD>`;

test('DASH: representations best first, the presentation\'s duration; encrypted and live manifests say why not', () => {
  expect(summarizeManifest('dash', mpd(''), 'https://x.test/m.mpd')).toEqual({
    ok: true,
    summary: { kind: 'dash', variants: [{ label: '1920×1080 · 3.0 Mbit/s', value: '1920x1080' }, { label: '854×480 · 800 kbit/s', value: '854x480' }], children: [], durationSeconds: 65.5 },
  });
  const cenc = summarizeManifest('dash', mpd('<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc"/>'), 'https://x.test/m.mpd');
  expect(cenc).toMatchObject({ ok: true, summary: { problem: 'Encrypted (DRM or CENC): Ferry cannot save it' } });
  const live = summarizeManifest('dash', mpd('', 'dynamic').replace('mediaPresentationDuration="PT1M5.5S"', 'availabilityStartTime="2026-01-01T00:00:00Z"'), 'https://x.test/m.mpd');
  expect(live).toMatchObject({ ok: true, summary: { problem: 'A live stream: Ferry saves finished streams only' } });
});

test('variantOptions without sizes falls back to bandwidth; formatDuration', () => {
  expect(variantOptions([{ bandwidth: 128000 }, { bandwidth: 64000 }])).toEqual([
    { label: '128 kbit/s', value: '128000' },
    { label: '64 kbit/s', value: '64000' },
  ]);
  expect(formatDuration(30.02)).toBe('0:30');
  expect(formatDuration(95)).toBe('1:35');
  expect(formatDuration(3725)).toBe('1:02:05');
});
