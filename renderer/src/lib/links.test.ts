import { describe, expect, it } from 'vitest';
import { readLinks, withScheme } from './links';

describe('reading the Add dialog’s lines', () => {
  it('takes a host/path without a scheme as https, or http for loopback', () => {
    expect(withScheme('127.0.0.1:19601/SHA256SUMS')).toBe('http://127.0.0.1:19601/SHA256SUMS');
    expect(withScheme('localhost:8080/a.iso')).toBe('http://localhost:8080/a.iso');
    expect(withScheme('[::1]:9000/x')).toBe('http://[::1]:9000/x');
    expect(withScheme('releases.example.org/24.04/ubuntu.iso')).toBe('https://releases.example.org/24.04/ubuntu.iso');
    expect(withScheme('example.com')).toBeNull();
    expect(withScheme('files.example.com/')).toBeNull();
    expect(withScheme('notes.txt')).toBeNull();
    expect(withScheme('hello')).toBeNull();
  });

  it('lists the lines it could not read', () => {
    const r = readLinks('https://a.example/one.zip\n127.0.0.1:19601/SHA256SUMS\n\nftp://c.example/no\n  just words  \nhttps://a.example/one.zip');
    expect(r.urls).toEqual(['https://a.example/one.zip', 'http://127.0.0.1:19601/SHA256SUMS']);
    expect(r.unreadable).toEqual(['ftp://c.example/no', 'just words']);
  });
});
