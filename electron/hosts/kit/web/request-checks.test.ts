// The two request checks every host shares: a served path never leaves its folder, and only a
// loopback Host header reaches a loopback-only endpoint (DNS rebinding).
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { isLoopbackHostHeader, isLoopbackName } from './loopback';
import { fileInside } from './path-containment';

const root = path.resolve('/srv/ui');

describe('fileInside', () => {
  test('resolves paths inside the folder', () => {
    expect(fileInside(root, '/index.html', { allowRoot: false })).toBe(path.join(root, 'index.html'));
    expect(fileInside(root, '/assets/../app.js', { allowRoot: false })).toBe(path.join(root, 'app.js'));
  });

  test('refuses a climb out, a sibling folder with the same prefix, and NUL', () => {
    expect(fileInside(root, '/../etc/passwd', { allowRoot: true })).toBeUndefined();
    expect(fileInside(root, '/../ui-secrets/x', { allowRoot: true })).toBeUndefined();
    expect(fileInside(root, '/a\0.html', { allowRoot: true })).toBeUndefined();
  });

  test('the folder itself only when allowed', () => {
    expect(fileInside(root, '/', { allowRoot: true })).toBe(root);
    expect(fileInside(root, '/', { allowRoot: false })).toBeUndefined();
  });
});

describe('loopback', () => {
  test('Host headers naming loopback on the right port pass, others do not', () => {
    expect(isLoopbackHostHeader('127.0.0.1:6800', 6800)).toBe(true);
    expect(isLoopbackHostHeader('LOCALHOST:6800', 6800)).toBe(true);
    expect(isLoopbackHostHeader('[::1]:6800', 6800)).toBe(true);
    expect(isLoopbackHostHeader('127.0.0.1:6801', 6800)).toBe(false);
    expect(isLoopbackHostHeader('evil.example:6800', 6800)).toBe(false);
    expect(isLoopbackHostHeader(undefined, 6800)).toBe(false);
    expect(isLoopbackHostHeader('localhost', 80)).toBe(true);
    expect(isLoopbackHostHeader('localhost', 6800)).toBe(false);
  });

  test('bind addresses', () => {
    expect(['127.0.0.1', 'localhost', '::1'].every(isLoopbackName)).toBe(true);
    expect(isLoopbackName('0.0.0.0')).toBe(false);
  });
});
