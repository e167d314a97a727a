import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../test-support/files';
import { autostartEntry, autostartFile, setLinuxAutostart } from './linux-autostart';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('ferry-autostart-');
});
afterEach(() => removeDir(dir));

describe('linux autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe('/cfg/autostart/ferry.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/me')).toBe('/home/me/.config/autostart/ferry.desktop');
  });

  it('starts Ferry hidden, quoting paths with spaces and shell characters', () => {
    const entry = autostartEntry(['/opt/My Apps/Ferry.AppImage', '--hidden']);
    expect(entry).toContain('Exec="/opt/My Apps/Ferry.AppImage" --hidden\n');
    expect(autostartEntry(['/x/$HOME`id`', '--hidden'])).toContain('Exec="/x/\\$HOME\\`id\\`" --hidden');
  });

  it('writes the entry when enabled and removes it when disabled', async () => {
    const file = path.join(dir, 'autostart', 'ferry.desktop');
    await setLinuxAutostart(true, ['/usr/bin/ferry-desktop', '--hidden'], file);
    expect(await readFile(file, 'utf8')).toMatch(/^\[Desktop Entry\][\s\S]*Exec=\/usr\/bin\/ferry-desktop --hidden/);
    await setLinuxAutostart(false, [], file);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
