import { describe, expect, it } from 'vitest';
import { dangerousFileTypes, runsWhenOpened } from './dangerous-file-types';

// Named in issue 15 (finding 11) as missed by the earlier hand-made list.
const FROM_THE_ISSUE = ['rdp', 'iso', 'img', 'vhd', 'vhdx', 'xll', 'msc', 'scf', 'search-ms', 'dmg'];
// The earlier list: nothing on it may be lost.
const EARLIER_LIST = [
  'exe', 'com', 'bat', 'cmd', 'msi', 'msp', 'msix', 'msixbundle', 'appx', 'appxbundle', 'scr', 'pif', 'cpl', 'lnk', 'url',
  'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'ps1', 'psm1', 'hta', 'reg', 'inf', 'application', 'appref-ms', 'gadget',
  'jar', 'jnlp', 'settingcontent-ms', 'library-ms', 'diagcab', 'chm',
  'app', 'command', 'tool', 'pkg', 'mpkg', 'terminal', 'workflow', 'scpt', 'applescript', 'webloc', 'fileloc',
  'desktop', 'sh', 'bash', 'zsh', 'csh', 'ksh', 'run', 'appimage', 'deb', 'rpm', 'flatpakref', 'snap',
  'py', 'pyw', 'pl', 'rb', 'php',
];

describe('the list of types that run something when opened', () => {
  it('has every type the issue named, and every type of the earlier list', () => {
    for (const type of [...FROM_THE_ISSUE, ...EARLIER_LIST]) expect(runsWhenOpened(`file.${type}`), type).toBe(type);
  });

  it('holds Chromium\'s list (DANGEROUS and ALLOW_ON_USER_GESTURE on any platform), in lower case without dots', () => {
    const types = dangerousFileTypes();
    expect(types.length).toBeGreaterThan(230);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    for (const type of ['cpl', 'hta', 'dll', 'sys', 'mobileconfig', 'apk', 'efi', 'crx', 'website', 'xbap']) expect(types).toContain(type);
  });

  it('leaves out what only shows content: documents, media, plain archives', () => {
    for (const name of ['report.pdf', 'photo.JPG', 'song.mp3', 'movie.mkv', 'notes.txt', 'archive.zip', 'x.tar.gz', 'data.csv', 'page.html']) {
      expect(runsWhenOpened(name), name).toBeUndefined();
    }
  });
});

describe('runsWhenOpened: which extension counts', () => {
  it('the last one, in any case: x.tar.gz is a gz, x.PDF.exe an exe', () => {
    expect(runsWhenOpened('x.tar.gz')).toBeUndefined();
    expect(runsWhenOpened('x.PDF.exe')).toBe('exe');
    expect(runsWhenOpened('Invoice.pdf.SCR')).toBe('scr');
    expect(runsWhenOpened('Setup.MSI')).toBe('msi');
    expect(runsWhenOpened('x.exe.pdf')).toBeUndefined();
  });

  it('trailing dots and spaces, which Windows drops, do not hide the extension', () => {
    expect(runsWhenOpened('setup.exe.')).toBe('exe');
    expect(runsWhenOpened('setup.exe . .')).toBe('exe');
    expect(runsWhenOpened('connect.rdp  ')).toBe('rdp');
  });

  it('folders in the path do not count, and a name without an extension has none', () => {
    expect(runsWhenOpened('/home/u/Downloads/tools.exe/readme')).toBeUndefined();
    expect(runsWhenOpened('C:\\Users\\u\\Downloads\\a.bat\\notes')).toBeUndefined();
    expect(runsWhenOpened('C:\\Users\\u\\Downloads\\disk.ISO')).toBe('iso');
    expect(runsWhenOpened('.bashrc')).toBeUndefined();
    expect(runsWhenOpened('Makefile')).toBeUndefined();
    expect(runsWhenOpened('')).toBeUndefined();
  });
});
