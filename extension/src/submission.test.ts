import { expect, test } from 'vitest';
import { addUriParams, cookieHeader, newGid } from './submission';

test('addUriParams forwards cookies, referrer, user agent, the suggested name and the gid as aria2 options', () => {
  const { uris, options } = addUriParams({
    url: 'https://cdn.test/final/file.iso',
    referrer: 'https://site.test/page',
    userAgent: 'Mozilla/5.0 Test',
    cookieHeader: 'session=abc; theme=dark',
    suggestedName: '/home/u/Downloads/sub/file.iso',
    gid: '0123456789abcdef',
  });
  expect(uris).toEqual(['https://cdn.test/final/file.iso']);
  expect(options).toEqual({
    gid: '0123456789abcdef',
    'user-agent': 'Mozilla/5.0 Test',
    header: ['Cookie: session=abc; theme=dark'],
    referer: 'https://site.test/page',
    out: 'file.iso',
  });
});

test('no cookie header without cookies, and a non-http referrer is not sent', () => {
  const { options } = addUriParams({ url: 'https://x.test/a', userAgent: 'UA', referrer: 'chrome://newtab/', gid: '00000000000000aa' });
  expect(options).toEqual({ gid: '00000000000000aa', 'user-agent': 'UA' });
  expect(cookieHeader([])).toBeUndefined();
  expect(cookieHeader([{ name: 'a', value: '1' }, { name: 'b', value: '2' }])).toBe('a=1; b=2');
  expect(cookieHeader([{ name: '', value: 'bare' }, { name: 'b', value: '' }])).toBe('bare; b=');
});

test('newGid: 16 hex digits, never all zeros, different each time', () => {
  const gids = new Set(Array.from({ length: 200 }, () => newGid()));
  expect(gids.size).toBe(200);
  for (const gid of gids) expect(gid).toMatch(/^[0-9a-f]{16}$/);
  expect(newGid((b) => b.fill(0))).toBe('0000000000000001');
});

test('a video carries Ferry\'s stream options: the kind, the variant unless it is the best, the page\'s title', () => {
  const base = { url: 'https://cdn.test/v/master.m3u8', userAgent: 'UA', referrer: 'https://site.test/watch', gid: '00000000000000bb', cookieHeader: 'sid=1' };
  expect(addUriParams({ ...base, stream: { kind: 'hls', variant: '1280x720', title: '  A clip  ' } }).options).toEqual({
    gid: '00000000000000bb',
    'user-agent': 'UA',
    header: ['Cookie: sid=1'],
    referer: 'https://site.test/watch',
    'ferry-stream': 'hls',
    'ferry-variant': '1280x720',
    'ferry-title': 'A clip',
  });
  expect(addUriParams({ ...base, stream: { kind: 'dash', variant: 'best', title: ' ' } }).options).toEqual({
    gid: '00000000000000bb',
    'user-agent': 'UA',
    header: ['Cookie: sid=1'],
    referer: 'https://site.test/watch',
    'ferry-stream': 'dash',
  });
});

test("the browser's size goes as Ferry's ferry-size, in whole bytes; an unknown or odd size is left out", () => {
  const base = { url: 'https://cdn.test/big.iso', userAgent: 'UA', suggestedName: 'big.iso', gid: '00000000000000cc' };
  expect(addUriParams({ ...base, size: 4_700_000_000 }).options).toEqual({ gid: '00000000000000cc', 'user-agent': 'UA', out: 'big.iso', 'ferry-size': '4700000000' });
  for (const size of [undefined, 0, -1, 1.5, Number.NaN, 2 ** 60]) expect(addUriParams({ ...base, ...(size === undefined ? {} : { size }) }).options['ferry-size']).toBeUndefined();
});
