// "Open" and "Show in folder" for hosts without Electron's shell (`ferry serve`), used only for a
// browser on the host's own machine (a loopback connection): the file opens on the desktop in front
// of the user who clicked. The OS's own opener does it: xdg-open (Linux), open (macOS), explorer
// (Windows); "show in folder" asks the file manager over D-Bus to select the file
// (org.freedesktop.FileManager1, as Electron does), else opens its folder. A file that would run
// as a program is not opened: the desktop app asks first in a native dialog, and a browser page
// cannot ask that question on the host's behalf (a page could answer it itself).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { executableReason } from './dangerous-file-types';

/** Starts a program detached from Ferry; resolves to '' once it started, else why it could not. */
export type Launch = (command: string, args: string[]) => Promise<string>;

export const launchDetached: Launch = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? `${command} is not installed` : `${command} failed: ${error.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve('');
    });
  });

export interface DesktopOpener {
  /** Like Electron's shell.openPath: '' when opened, otherwise why not. */
  openPath(file: string): Promise<string>;
  showItemInFolder(file: string): Promise<void>;
}

export function desktopOpener(platform: NodeJS.Platform = process.platform, launch: Launch = launchDetached): DesktopOpener {
  const opener = platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  return {
    async openPath(file) {
      const reason = await executableReason(file, platform);
      if (reason) return `Not opened: ${reason}. Use “Show in folder” and open it there if you trust where it came from.`;
      return launch(opener, [file]);
    },
    async showItemInFolder(file) {
      let problem: string;
      if (platform === 'darwin') problem = await launch('open', ['-R', file]);
      else if (platform === 'win32') problem = await launch('explorer.exe', [`/select,${file}`]);
      else {
        const uri = pathToFileURL(file).href;
        problem = await launch('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.FileManager1', '/org/freedesktop/FileManager1', 'org.freedesktop.FileManager1.ShowItems', `array:string:${uri}`, 'string:']);
        // No D-Bus (a server without a session bus): the folder itself, with the file's opener.
        if (problem) problem = await launch('xdg-open', [path.dirname(file)]);
      }
      if (problem) throw new Error(problem);
    },
  };
}
