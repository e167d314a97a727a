import { describe, expect, it } from 'vitest';
import { expandHomeFolder, expandTypedFolder } from './home-folder';

describe('~ for the home folder', () => {
  it('expands ~ and ~/… only', () => {
    expect(expandHomeFolder('~', '/home/me')).toBe('/home/me');
    expect(expandHomeFolder('~/Documents', '/home/me')).toBe('/home/me/Documents');
    expect(expandHomeFolder('~other/x', '/home/me')).toBe('~other/x');
    expect(expandHomeFolder('/srv/~/x', '/home/me')).toBe('/srv/~/x');
  });

  it('touches only the typed folder of addDownloads and setSettings, and leaves odd input alone', () => {
    expect(expandTypedFolder('addDownloads', { urls: ['u'], directory: ' ~/dl ' }, '/h')).toEqual({ urls: ['u'], directory: '/h/dl' });
    expect(expandTypedFolder('setSettings', { downloadDirectory: '~' }, '/h')).toEqual({ downloadDirectory: '/h' });
    const other = { directory: '~/x' };
    expect(expandTypedFolder('addUploads', other, '/h')).toBe(other);
    expect(expandTypedFolder('addDownloads', null, '/h')).toBeNull();
    expect(expandTypedFolder('addDownloads', [1], '/h')).toEqual([1]);
    expect(expandTypedFolder('toString', { directory: '~' }, '/h')).toEqual({ directory: '~' });
    const getter = Object.defineProperty({}, 'directory', { get: () => { throw new Error('read'); }, enumerable: true });
    expect(expandTypedFolder('addDownloads', getter, '/h')).toBe(getter);
  });
});
