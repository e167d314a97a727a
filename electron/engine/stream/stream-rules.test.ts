// The pure rules of stream transfers: variant choice, manifest sniffing, what a playlist becomes
// (init sections where they apply, byte ranges, keys and IVs), the size estimate and the name.
import * as HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types';
import { describe, expect, it } from 'vitest';
import { parseVariantChoice } from '../../../shared/stream';
import { TransferFailure } from '../types';
import { mediaTrack, sequenceIv } from './hls-plan';
import { kindFromBody, kindFromContentType } from './manifest-sniff';
import { streamStem } from './stream-name';
import { planFingerprint } from './stream-plan';
import { bitmapFrom, emptyBitmap, hasBit, setBit } from './stream-resume';
import { chooseVariant } from './variant-choice';

const variants = [
  { bandwidth: 800_000, width: 640, height: 360 },
  { bandwidth: 3_000_000, width: 1280, height: 720 },
  { bandwidth: 3_000_000, width: 1920, height: 1080 },
  { bandwidth: 300_000, width: 320, height: 180 },
];

describe('variant choice', () => {
  it('parses what --variant takes and nothing else', () => {
    expect(parseVariantChoice('best')).toEqual({ by: 'best' });
    expect(parseVariantChoice(' WORST ')).toEqual({ by: 'worst' });
    expect(parseVariantChoice('1280x720')).toEqual({ by: 'resolution', width: 1280, height: 720 });
    expect(parseVariantChoice('3000000')).toEqual({ by: 'bandwidth', bitsPerSecond: 3_000_000 });
    expect(parseVariantChoice('2.5M')).toEqual({ by: 'bandwidth', bitsPerSecond: 2_500_000 });
    for (const bad of ['fullhd', '0x0', '720p', '-5', '1e9']) expect(parseVariantChoice(bad)).toBeUndefined();
  });

  it('best: highest bandwidth, then the larger picture; worst the opposite', () => {
    expect(chooseVariant(variants, { by: 'best' })).toMatchObject({ width: 1920 });
    expect(chooseVariant(variants, { by: 'worst' })).toMatchObject({ width: 320 });
  });

  it('a resolution must be offered; a bandwidth takes the highest at or below it (else the lowest)', () => {
    expect(chooseVariant(variants, { by: 'resolution', width: 640, height: 360 })).toMatchObject({ bandwidth: 800_000 });
    expect(() => chooseVariant(variants, { by: 'resolution', width: 100, height: 100 })).toThrow(/No variant is 100x100; the stream offers: 1920x1080, 3.0 Mbit\/s; 1280x720/);
    expect(chooseVariant(variants, { by: 'bandwidth', bitsPerSecond: 1_000_000 })).toMatchObject({ width: 640 });
    expect(chooseVariant(variants, { by: 'bandwidth', bitsPerSecond: 1 })).toMatchObject({ width: 320 });
  });
});

describe('manifest sniffing', () => {
  it('by Content-Type, parameters and case aside', () => {
    expect(kindFromContentType('application/vnd.apple.mpegurl')).toBe('hls');
    expect(kindFromContentType('Application/X-MpegURL; charset=utf-8')).toBe('hls');
    expect(kindFromContentType('application/dash+xml')).toBe('dash');
    expect(kindFromContentType('video/mp2t')).toBeUndefined();
  });

  it('by the first bytes: #EXTM3U first, or an MPD root element', () => {
    expect(kindFromBody('\ufeff#EXTM3U\n#EXT-X-VERSION:3')).toBe('hls');
    expect(kindFromBody('<html>#EXTM3U</html>')).toBeUndefined();
    expect(kindFromBody('<?xml version="1.0"?>\n<!-- made by x -->\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011">')).toBe('dash');
    expect(kindFromBody('<?xml version="1.0"?><feed><MPD/></feed>')).toBeUndefined();
  });
});

function media(text: string): MediaPlaylist {
  return HLS.parse(text) as MediaPlaylist;
}

describe('an HLS media playlist as fetch items', () => {
  it('places init sections where they apply (again after a discontinuity), keeps byte ranges, keys and IVs', () => {
    const track = mediaTrack(
      media(`#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:40
#EXT-X-MAP:URI="init-a.mp4",BYTERANGE="800@0"
#EXTINF:4,
a1.m4s
#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1"
#EXTINF:4,
#EXT-X-BYTERANGE:1000@5000
a2.m4s
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="init-b.mp4"
#EXT-X-KEY:METHOD=AES-128,URI="k2",IV=0x000102030405060708090a0b0c0d0e0f
#EXTINF:3.5,
b1.m4s
#EXT-X-KEY:METHOD=NONE
#EXTINF:2,
b2.m4s
#EXT-X-ENDLIST
`),
      'https://cdn.example/v/index.m3u8',
      'main',
    );
    expect(track.container).toBe('fmp4');
    expect(track.items.map((i) => [i.url.replace('https://cdn.example', ''), i.init, i.range ?? null])).toEqual([
      ['/v/init-a.mp4', true, { offset: 0, length: 800 }],
      ['/v/a1.m4s', false, null],
      ['/v/a2.m4s', false, { offset: 5000, length: 1000 }],
      ['/v/init-b.mp4', true, null],
      ['/v/b1.m4s', false, null],
      ['/v/b2.m4s', false, null],
    ]);
    expect(track.items[2]!.key).toEqual({ keyUrl: 'https://cdn.example/keys/k1', iv: sequenceIv(41) });
    expect(track.items[4]!.key!.iv.toString('hex')).toBe('000102030405060708090a0b0c0d0e0f');
    expect(track.items[5]!.key).toBeUndefined();
    expect(track.items.reduce((s, i) => s + i.duration, 0)).toBe(13.5);
  });

  it('the IV from a sequence number is a 128-bit big-endian integer', () => {
    expect(sequenceIv(0x0102).toString('hex')).toBe('00000000000000000000000000000102');
  });

  it('refuses what cannot be saved, as values people can read', () => {
    const live = (): unknown => mediaTrack(media('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n'), 'http://h/x.m3u8', 'main');
    expect(live).toThrow(TransferFailure);
    expect(live).toThrow(/live stream/);
  });

  it('a fingerprint ignores query strings and hosts (signed CDN URLs), not paths or ranges', () => {
    const item = (url: string, offset = 0) => ({ role: 'main' as const, container: 'ts' as const, items: [{ url, init: false, duration: 2, range: { offset, length: 10 } }] });
    const a = planFingerprint('hls', [item('https://a.cdn/x/s1.ts?sig=1')]);
    expect(planFingerprint('hls', [item('https://b.cdn/x/s1.ts?sig=2')])).toBe(a);
    expect(planFingerprint('hls', [item('https://a.cdn/x/s2.ts?sig=1')])).not.toBe(a);
    expect(planFingerprint('hls', [item('https://a.cdn/x/s1.ts?sig=1', 10)])).not.toBe(a);
  });
});

describe('names and bitmaps', () => {
  it('the page title, else the deepest path segment that says something', () => {
    expect(streamStem('https://h/videos/launch-day/hls/master.m3u8', undefined)).toBe('launch-day');
    expect(streamStem('https://h/a/b/my%20talk.m3u8?token=x', undefined)).toBe('my talk');
    expect(streamStem('https://h/index.m3u8', undefined)).toBe('index');
    expect(streamStem('https://h/x/master.m3u8', ' Q&A: 2024/25 ')).toBe('Q&A_ 2024_25');
  });

  it('a bitmap keeps its bits through base64', () => {
    const bits = emptyBitmap(20);
    for (const i of [0, 7, 8, 19]) setBit(bits, i);
    const back = bitmapFrom(bits.toString('base64'), 20);
    expect([...Array(20).keys()].filter((i) => hasBit(back, i))).toEqual([0, 7, 8, 19]);
  });
});
