// Opening a finished download: the native dialog comes first for anything that would run. Real
// files on disk; the shell and the dialog are recorded, as Electron's are in the fake.
import type { Dialog, MessageBoxOptions } from 'electron';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../test-support/files';
import { openDownloadedFile, type OpenDownloadedFileDeps } from './open-downloaded-file';

let dir: string;
let opened: string[];
let asked: MessageBoxOptions[];
const deps = (answer: number): OpenDownloadedFileDeps => ({
  shell: { openPath: async (file: string) => (opened.push(file), '') },
  // Called with the options alone (no parent window), as openDownloadedFile does.
  dialog: { showMessageBox: (async (options: MessageBoxOptions) => (asked.push(options), { response: answer, checkboxChecked: false })) as Dialog['showMessageBox'] },
  platform: 'linux',
});

beforeEach(async () => {
  dir = await makeTempDir('ferry-open-');
  opened = [];
  asked = [];
});
afterEach(async () => removeDir(dir));

async function download(name: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, 'bytes from a server');
  await chmod(file, 0o644);
  return file;
}

describe('openDownloadedFile', () => {
  it.each(['connect.rdp', 'disk.iso', 'disk.img', 'disk.vhd', 'disk.vhdx', 'addin.xll', 'console.msc', 'explorer.scf', 'find.search-ms', 'app.dmg', 'Invoice.PDF.exe'])(
    'asks before opening %s, and a Cancel leaves it unopened',
    async (name) => {
      const file = await download(name);
      expect(await openDownloadedFile(file, deps(1))).toMatch(/chose not to run/);
      expect(asked.map((a) => a.message)).toEqual([`Open “${name}”?`]);
      expect(asked[0]!.detail).toMatch(/can run programs/);
      expect(opened).toEqual([]);
      expect(await openDownloadedFile(file, deps(0))).toBe('');
      expect(opened).toEqual([file]);
    },
  );

  it('opens documents and archives without a question', async () => {
    for (const name of ['backup.tar.gz', 'report.pdf']) expect(await openDownloadedFile(await download(name), deps(1))).toBe('');
    expect(asked).toEqual([]);
    expect(opened.map((f) => path.basename(f))).toEqual(['backup.tar.gz', 'report.pdf']);
  });
});
