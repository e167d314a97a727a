// The one rule deciding which of the user's headers go to a URL (origin-headers.ts).
import { describe, expect, it } from 'vitest';
import { headersFor, originAfterHop, originOf } from './origin-headers';

const GIVEN = {
  Cookie: 'session=1',
  Authorization: 'Bearer t',
  'Proxy-Authorization': 'Basic p',
  'X-Custom': 'c',
  Referer: 'https://site.example/page?q=token',
  'User-Agent': 'UA/1',
};

describe('headersFor', () => {
  it('sends every header to the origin they were given for, whatever the path or query', () => {
    expect(headersFor('https://site.example/other/file?x=1', GIVEN, 'https://site.example')).toEqual(GIVEN);
    // Default ports are the same origin.
    expect(headersFor('https://site.example:443/f', GIVEN, originOf('https://site.example/'))).toEqual(GIVEN);
  });

  it('sends none of them to another host, port or scheme, except the User-Agent and the referring origin', () => {
    const others = ['https://cdn.example/f', 'https://site.example:8443/f', 'http://site.example/f', 'https://sub.site.example/f'];
    for (const url of others) {
      const sent = headersFor(url, GIVEN, 'https://site.example');
      expect(Object.keys(sent).sort(), url).toEqual(url.startsWith('http:') ? ['User-Agent'] : ['Referer', 'User-Agent']);
      if (sent.Referer) expect(sent.Referer).toBe('https://site.example/');
    }
  });

  it('sends none of them once a chain has left the origin (null), even to the origin itself', () => {
    expect(headersFor('https://site.example/f', GIVEN, null)).toEqual({ 'User-Agent': 'UA/1', Referer: 'https://site.example/' });
  });

  it('drops a Referer that is not an http(s) URL instead of guessing', () => {
    expect(headersFor('https://cdn.example/f', { referer: 'not a url' }, 'https://site.example')).toEqual({});
  });
});

describe('originAfterHop', () => {
  it('keeps the origin within it, loses it for good on leaving', () => {
    let at = originOf('http://127.0.0.1:8000/a');
    at = originAfterHop(at, 'http://127.0.0.1:8000/b');
    expect(at).toBe('http://127.0.0.1:8000');
    at = originAfterHop(at, 'http://127.0.0.1:9000/c');
    expect(at).toBeNull();
    expect(originAfterHop(at, 'http://127.0.0.1:8000/a')).toBeNull();
  });

  it('treats a URL without an origin as another origin', () => {
    expect(originOf('not a url')).toBeNull();
    expect(originAfterHop('http://127.0.0.1:8000', 'not a url')).toBeNull();
  });
});
