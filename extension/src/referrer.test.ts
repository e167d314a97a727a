import { expect, test } from 'vitest';
import { defaultReferrer } from './referrer';

test('strict-origin-when-cross-origin: full URL to the same origin, the origin elsewhere, nothing on a downgrade', () => {
  expect(defaultReferrer('https://site.test/watch?v=1#t=3', 'https://site.test/v/master.m3u8')).toBe('https://site.test/watch?v=1');
  expect(defaultReferrer('https://site.test/watch?v=1', 'https://cdn.test/v/master.m3u8')).toBe('https://site.test/');
  expect(defaultReferrer('https://site.test/watch', 'http://cdn.test/v/master.m3u8')).toBeUndefined();
  expect(defaultReferrer('http://user:pw@127.0.0.1:8080/page', 'http://127.0.0.1:8080/a.m3u8')).toBe('http://127.0.0.1:8080/page');
  expect(defaultReferrer('chrome://newtab/', 'https://cdn.test/a.m3u8')).toBeUndefined();
  expect(defaultReferrer(undefined, 'https://cdn.test/a.m3u8')).toBeUndefined();
});
