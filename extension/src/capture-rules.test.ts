import { describe, expect, test } from 'vitest';
import { decideCapture, extensionOf } from './capture-rules';
import { parseFileTypes, readSettings, isLoopbackHttpUrl, DEFAULT_SETTINGS } from './settings';

const rules = { capture: true, minSizeMiB: 0, fileTypes: [] as string[] };
const ctx = { altClicked: false, ownExtensionId: 'ownid' };
const item = { url: 'https://example.test/files/big.iso', totalBytes: 50 * 1024 * 1024, filename: '/home/u/Downloads/big.iso' };

describe('decideCapture', () => {
  test('captures an ordinary http(s) download by default', () => {
    expect(decideCapture(item, rules, ctx)).toEqual({ capture: true });
  });
  test('keeps downloads when capture is off, after Alt+click, from our own fallback, in private windows', () => {
    expect(decideCapture(item, { ...rules, capture: false }, ctx).capture).toBe(false);
    expect(decideCapture(item, rules, { ...ctx, altClicked: true })).toEqual({ capture: false, reason: 'Alt+click keeps the download in the browser' });
    expect(decideCapture({ ...item, byExtensionId: 'ownid' }, rules, ctx).capture).toBe(false);
    expect(decideCapture({ ...item, byExtensionId: 'another' }, rules, ctx).capture).toBe(true);
    expect(decideCapture({ ...item, incognito: true }, rules, ctx).capture).toBe(false);
  });
  test('keeps blob:, data: and file: downloads, judging the URL after redirects', () => {
    for (const url of ['blob:https://x.test/1', 'data:text/plain,hi', 'file:///etc/passwd']) expect(decideCapture({ url }, rules, ctx).capture).toBe(false);
    expect(decideCapture({ url: 'https://x.test/a', finalUrl: 'blob:https://x.test/1' }, rules, ctx).capture).toBe(false);
  });
  test('minimum size: smaller and unknown sizes stay in the browser', () => {
    const min = { ...rules, minSizeMiB: 100 };
    expect(decideCapture(item, min, ctx)).toEqual({ capture: false, reason: 'smaller than 100 MiB' });
    expect(decideCapture({ ...item, totalBytes: -1 }, min, ctx).capture).toBe(false);
    expect(decideCapture({ ...item, totalBytes: 100 * 1024 * 1024 }, min, ctx).capture).toBe(true);
  });
  test('file types: by the suggested name, else the URL path', () => {
    const types = { ...rules, fileTypes: ['iso', 'zip'] };
    expect(decideCapture(item, types, ctx).capture).toBe(true);
    expect(decideCapture({ ...item, filename: 'notes.txt' }, types, ctx).capture).toBe(false);
    expect(decideCapture({ url: 'https://x.test/dl/archive.ZIP?sig=1' }, types, ctx).capture).toBe(true);
  });
  test('extensionOf', () => {
    expect(extensionOf('https://x.test/a/b.tar.gz?x=1')).toBe('gz');
    expect(extensionOf('C:\\Users\\u\\Downloads\\Setup.EXE')).toBe('exe');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('https://x.test/')).toBe('');
  });
});

describe('settings', () => {
  test('parseFileTypes normalises and drops junk', () => {
    expect(parseFileTypes('zip, .ISO  *.mp4;zip ../x <b>')).toEqual(['zip', 'iso', 'mp4']);
  });
  test('readSettings keeps only well-typed values and never a remote endpoint', () => {
    expect(readSettings({})).toEqual(DEFAULT_SETTINGS);
    const s = readSettings({ endpoint: 'http://evil.example/jsonrpc', secret: 7, capture: 'yes', minSizeMiB: -1, fileTypes: ['ZIP', 3], pairedBy: 'x' });
    expect(s).toEqual({ ...DEFAULT_SETTINGS, fileTypes: ['zip'] });
    expect(readSettings({ endpoint: 'http://[::1]:6801/jsonrpc', secret: 's', pairedBy: 'manual' })).toMatchObject({ endpoint: 'http://[::1]:6801/jsonrpc', secret: 's', pairedBy: 'manual' });
  });
  test('isLoopbackHttpUrl', () => {
    expect(isLoopbackHttpUrl('http://127.0.0.1:6800/jsonrpc')).toBe(true);
    expect(isLoopbackHttpUrl('http://localhost:6800/jsonrpc')).toBe(true);
    expect(isLoopbackHttpUrl('http://127.0.0.1.evil.test/jsonrpc')).toBe(false);
    expect(isLoopbackHttpUrl('http://localhost@evil.test/')).toBe(false);
    expect(isLoopbackHttpUrl('ws://127.0.0.1:6800/jsonrpc')).toBe(false);
  });
});
