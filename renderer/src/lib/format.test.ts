import { describe, expect, it } from 'vitest';
import { errorText, extractUrls, formatBytes, formatEta, heldLine, statusLine } from './format';
import { view } from '../test/views';

describe('format', () => {
  it('formats sizes people can read', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('formats the time left', () => {
    expect(formatEta(42)).toBe('42s left');
    expect(formatEta(3 * 3600 + 120)).toBe('3h 02m left');
    expect(formatEta(null)).toBe('');
  });

  it('puts the HTTP status into the error text when the message lacks it', () => {
    expect(errorText({ code: 'HTTP_STATUS', status: 404, message: 'Not found on the server', retryable: false })).toBe('Not found on the server (HTTP 404)');
    expect(errorText({ code: 'HTTP_STATUS', status: 404, message: 'HTTP 404 Not Found', retryable: false })).toBe('HTTP 404 Not Found');
  });

  it('shows failed rows with their error and unknown sizes in words', () => {
    const failed = view('x', 'failed', { error: { code: 'HTTP_STATUS', status: 500, message: 'Server error', retryable: true } });
    expect(statusLine(failed)).toContain('HTTP 500');
    const stream = view('s', 'active', { progress: { bytesDone: 2048, totalBytes: null, speed: 1024, etaSeconds: null } });
    expect(statusLine(stream)).toBe('2.00 KiB of unknown size · 1.00 KiB/s');
  });

  it('a transfer waiting for its next attempt says in how long, and why', () => {
    const now = 1_700_000_000_000;
    const error = { code: 'HTTP_STATUS' as const, status: 503, message: 'Server says 503 Service Unavailable', retryable: true };
    const waiting = view('w', 'queued', { nextRetryAt: now + 39_200, error, attempt: 2 });
    expect(statusLine(waiting, now)).toBe('Retrying in 40 s · Server says 503 Service Unavailable');
    expect(statusLine(waiting, now + 39_500)).toMatch(/^Retrying now/);
    expect(statusLine(view('l', 'queued', { nextRetryAt: now + 15 * 60_000 }), now)).toBe('Retrying in 15 min');
    expect(statusLine(view('q', 'queued'), now)).toMatch(/^Waiting/);
  });

  it('finds http(s) links in pasted text, without trailing punctuation or duplicates', () => {
    const text = 'see https://a.example/x.iso, and (http://b.example/y?z=1).\nftp://c.example/no https://a.example/x.iso';
    expect(extractUrls(text)).toEqual(['https://a.example/x.iso', 'http://b.example/y?z=1']);
    expect(extractUrls('no links here')).toEqual([]);
  });

  it("a browser's handoff held for a continue offer says its size and what it waits for, not 0 B of unknown size", () => {
    expect(heldLine({ size: 6_000_000 })).toBe('5.72 MiB from your browser · waiting for your choice above');
  });
});
