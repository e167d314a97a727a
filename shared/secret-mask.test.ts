import { describe, expect, it } from 'vitest';
import { maskUrlPasswords, sameOrigin, SECRET_MASK } from './secret-mask';
import { SECRET_MASK as SETTINGS_MASK } from './settings';

describe('maskUrlPasswords', () => {
  it('masks the password of a URL, alone or quoted in a message, and nothing else', () => {
    expect(maskUrlPasswords('https://me:hunter2@host.example/x?y=1')).toBe(`https://me:${SECRET_MASK}@host.example/x?y=1`);
    expect(maskUrlPasswords('GET http://a:b@h:81/p failed; retry http://c:d@i/q')).toBe(
      `GET http://a:${SECRET_MASK}@h:81/p failed; retry http://c:${SECRET_MASK}@i/q`,
    );
    for (const plain of ['https://host/p@x', 'http://host:8080/a:b@c', 'https://user@host/', 'no url here: a:b@c']) {
      expect(maskUrlPasswords(plain)).toBe(plain);
    }
  });

  it('leaves no part of a password that itself contains "@" or ":"', () => {
    const masked = maskUrlPasswords('ftp://u:p@ss:w0rd@host/file');
    expect(masked).toBe(`ftp://u:${SECRET_MASK}@host/file`);
    expect(masked).not.toMatch(/ss|w0rd/);
  });

  it('is the one mask the settings schema uses too', () => {
    expect(SETTINGS_MASK).toBe(SECRET_MASK);
  });
});

describe('sameOrigin', () => {
  it('allows another path on the same scheme, host and port only', () => {
    expect(sameOrigin('https://h.example/a/{filename}', 'https://H.example:443/b?x')).toBe(true);
    expect(sameOrigin('https://h.example/a', 'http://h.example/a')).toBe(false);
    expect(sameOrigin('https://h.example/a', 'https://h.example:8443/a')).toBe(false);
    expect(sameOrigin('https://h.example/a', 'https://evil.example/a')).toBe(false);
    expect(sameOrigin('https://h.example/a', 'not a url')).toBe(false);
  });

  it('judges by the real URL parser, as the HTTP client will', () => {
    // WHATWG reads the backslash as a path separator: this URL goes to a.example, not h.example.
    expect(sameOrigin('https://h.example/', 'https://a.example\\@h.example/')).toBe(false);
  });
});
