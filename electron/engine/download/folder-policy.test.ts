// Download folders that the OS runs files from at login are refused, however they are spelt, and
// so are relative folders; through the real engine (every host goes through addDownload) and the
// policy's pure rules for the platforms this machine is not.
import { mkdir, readdir, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { absoluteFolderSchema } from '../../../shared/settings';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { TransferEngine } from '../engine';
import { checkDownloadFolder, DownloadFolderRefused, type FolderEnvironment } from './folder-policy';
import { createDownloadWorker } from './download-worker';

let tmp: string;
let engine: TransferEngine;
const savedXdg = process.env.XDG_CONFIG_HOME;
// Never contacted: every case here is refused before a request is made.
const url = 'http://127.0.0.1:9/evil.desktop';

beforeEach(async () => {
  tmp = await makeTempDir('ferry-folders-');
  engine = await TransferEngine.open({ dataDir: path.join(tmp, 'data'), workers: { download: createDownloadWorker() } });
});
afterEach(async () => {
  if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedXdg;
  await engine.close();
  await removeDir(tmp);
});

async function refusal(directory: string): Promise<DownloadFolderRefused> {
  const error = await engine.addDownload({ url, directory, fileName: 'evil.desktop' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadFolderRefused);
  return error as DownloadFolderRefused;
}

describe('download folder policy', () => {
  it('refuses the XDG autostart folders, also through .. segments and symlinks, and adds nothing', async () => {
    const xdg = path.join(tmp, 'xdg');
    await mkdir(path.join(xdg, 'autostart'), { recursive: true });
    process.env.XDG_CONFIG_HOME = xdg;
    await symlink(path.join(xdg, 'autostart'), path.join(tmp, 'innocent'));
    const spellings = [
      path.join(os.homedir(), '.config', 'autostart'),
      path.join(os.homedir(), '.config', 'autostart', 'deeper'),
      '/etc/xdg/autostart',
      path.join(xdg, 'autostart'),
      `${tmp}/downloads/../xdg/autostart`,
      path.join(tmp, 'innocent'),
      path.join(tmp, 'innocent', 'not-yet-made'),
    ];
    for (const directory of spellings) {
      const error = await refusal(directory);
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toMatch(/started by the system at login/);
    }
    expect(engine.list()).toEqual([]);
    expect(await readdir(path.join(xdg, 'autostart'))).toEqual([]);
  });

  it('refuses relative folders, ~ included, with a readable message', async () => {
    for (const directory of ['~/.config/autostart', 'downloads', './x', '../x']) {
      const error = await refusal(directory);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/must be an absolute path/);
    }
    expect(engine.list()).toEqual([]);
  });

  it('accepts an ordinary folder, normalised', async () => {
    const view = await engine.addDownload({ url, directory: `${tmp}/a/../downloads`, fileName: 'x.bin' });
    expect(view.download?.directory).toBe(path.join(tmp, 'downloads'));
    await engine.pause(view.id);
  });

  it('knows the Windows Startup folders and macOS LaunchAgents, case-insensitively', async () => {
    const windows: FolderEnvironment = { platform: 'win32', home: 'C:\\Users\\u', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' } };
    await expect(checkDownloadFolder('c:\\users\\U\\appdata\\roaming\\Microsoft\\Windows\\Start Menu\\Programs\\STARTUP', windows)).rejects.toThrow(/at login/);
    await expect(checkDownloadFolder('C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x', windows)).rejects.toThrow(/at login/);
    await expect(checkDownloadFolder('\\Downloads', windows)).rejects.toThrow(/absolute path/);
    expect(await checkDownloadFolder('C:\\Users\\u\\Downloads', windows)).toBe('C:\\Users\\u\\Downloads');
    const mac: FolderEnvironment = { platform: 'darwin', home: '/Users/u', env: {} };
    await expect(checkDownloadFolder('/Users/u/Library/launchagents', mac)).rejects.toThrow(/at login/);
    await expect(checkDownloadFolder('/Library/LaunchDaemons', mac)).rejects.toThrow(/at login/);
    expect(await checkDownloadFolder('/Users/u/Downloads', mac)).toBe('/Users/u/Downloads');
  });

  it('settings take only absolute download folders of sane length', () => {
    expect(absoluteFolderSchema.safeParse('/home/u/Downloads').success).toBe(true);
    expect(absoluteFolderSchema.safeParse('D:\\Downloads').success).toBe(true);
    expect(absoluteFolderSchema.safeParse('\\\\nas\\share\\dl').success).toBe(true);
    for (const bad of ['Downloads', '~/Downloads', '', `/${'a'.repeat(1100)}`, '/x\0y']) {
      expect(absoluteFolderSchema.safeParse(bad).success).toBe(false);
    }
  });
});
