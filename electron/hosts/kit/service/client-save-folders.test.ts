// The allowlist for browser and RPC clients' folders, on real folders and symlinks: inside the
// download folder or a listed one is fine however it is spelt; outside is refused however it is spelt.
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test-support/files';
import { checkClientFileName, checkClientFolder, clientSaveRoots, isUncPath } from './client-save-folders';

let home: string;
let downloads: string;
let roots: string[];
beforeEach(async () => {
  home = await makeTempDir('ferry-client-folders-');
  downloads = path.join(home, 'Downloads');
  await mkdir(path.join(downloads, 'music'), { recursive: true });
  await mkdir(path.join(home, '.ssh'), { recursive: true });
  await mkdir(path.join(home, 'Media'), { recursive: true });
  roots = clientSaveRoots({ downloadDirectory: downloads, rpcSaveFolders: [path.join(home, 'Media')] });
});
afterEach(async () => {
  await removeDir(home);
});

describe('checkClientFolder', () => {
  it('takes the download folder, its subfolders (also ones not made yet) and the listed folders', async () => {
    expect(await checkClientFolder(downloads, roots)).toBe(downloads);
    expect(await checkClientFolder(path.join(downloads, 'music'), roots)).toBe(path.join(downloads, 'music'));
    expect(await checkClientFolder(path.join(downloads, 'new', 'deeper'), roots)).toBe(path.join(downloads, 'new', 'deeper'));
    expect(await checkClientFolder(path.join(home, 'Media', 'films'), roots)).toBe(path.join(home, 'Media', 'films'));
    expect(await checkClientFolder(`${downloads}/music/../music/.`, roots)).toBe(path.join(downloads, 'music'));
  });

  it('refuses folders outside, however they are spelt: plainly, with "..", through a symlink', async () => {
    for (const folder of [
      path.join(home, '.ssh'),
      path.join(home, '.config', 'systemd', 'user'),
      path.join(home, '.config', 'git'),
      path.join(home, '.local', 'share', 'applications'),
      home,
      '/',
      `${downloads}/../.ssh`,
      `${downloads}/music/../../.ssh`,
      `${downloads}x`, // a sibling sharing the prefix is not inside
    ]) {
      await expect(checkClientFolder(folder, roots), folder).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await symlink(path.join(home, '.ssh'), path.join(downloads, 'keys'));
    await expect(checkClientFolder(path.join(downloads, 'keys'), roots)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(checkClientFolder(path.join(downloads, 'keys', 'sub'), roots)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('follows symlinks on the allowed side too: a download folder that is a link to elsewhere', async () => {
    const real = path.join(home, 'data', 'dl');
    await mkdir(real, { recursive: true });
    const linked = path.join(home, 'LinkedDownloads');
    await symlink(real, linked);
    const viaLink = clientSaveRoots({ downloadDirectory: linked, rpcSaveFolders: [] });
    expect(await checkClientFolder(path.join(linked, 'a'), viaLink)).toBe(path.join(real, 'a'));
    expect(await checkClientFolder(path.join(real, 'b'), viaLink)).toBe(path.join(real, 'b'));
  });

  it('refuses UNC and device paths before touching the disk, and relative folders', async () => {
    for (const folder of ['\\\\attacker\\share', '//attacker/share', '\\/attacker/share', '\\\\?\\C:\\x', '\\\\.\\pipe\\x']) {
      expect(isUncPath(folder)).toBe(true);
      await expect(checkClientFolder(folder, roots), folder).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/UNC/) });
      await expect(checkClientFolder(folder, ['C:\\Users\\me\\Downloads'], 'win32'), folder).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    for (const folder of ['Downloads', './x', '', 'a\0b']) {
      await expect(checkClientFolder(folder, roots), folder).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('compares case-insensitively where the file system usually is (Windows, macOS), on their path rules', async () => {
    const winRoots = ['C:\\Users\\Me\\Downloads'];
    expect(await checkClientFolder('c:\\users\\me\\downloads\\Music', winRoots, 'win32')).toBe('c:\\users\\me\\downloads\\Music');
    await expect(checkClientFolder('C:\\Users\\Me\\Downloads\\..\\AppData\\Roaming', winRoots, 'win32')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(checkClientFolder('C:Users', winRoots, 'win32')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(checkClientFolder('C:\\Users\\Me\\Downloads\\x:stream', winRoots, 'win32')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await checkClientFolder('/users/me/DOWNLOADS/a', ['/Users/me/Downloads'], 'darwin')).toBe('/users/me/DOWNLOADS/a');
    await expect(checkClientFolder('/Users/me/Library/LaunchAgents', ['/Users/me/Downloads'], 'darwin')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('checkClientFileName', () => {
  it('takes plain names and refuses anything that would leave the folder', () => {
    expect(checkClientFileName('report.pdf')).toBe('report.pdf');
    expect(checkClientFileName('..hidden but fine')).toBe('..hidden but fine');
    for (const name of ['..', '.', '', ' ', '../x', 'a/b', 'a\\b', 'C:evil', 'x:stream', 'a\0b', 'x'.repeat(256)]) {
      expect(() => checkClientFileName(name), JSON.stringify(name)).toThrow(/is not a file name/);
    }
  });
});
