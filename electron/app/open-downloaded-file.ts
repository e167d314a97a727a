// Opening a downloaded file with the OS, the way browsers do it: a file that would run as a
// program (by its extension, or by its execute bits on Linux and macOS) is opened only after the
// user said yes in a native dialog that names it. The renderer can ask for "open", but it cannot
// answer the question: the dialog belongs to the main process.
import type { Dialog, Shell } from 'electron';
import { stat } from 'node:fs/promises';
import path from 'node:path';

// What Chromium's download file-type policies call DANGEROUS or ALLOW_ON_USER_GESTURE, trimmed to
// types an OS opens by running something (scripts, installers, launchers, shortcuts).
const EXECUTABLE_EXTENSIONS = new Set([
  // Windows
  'exe', 'com', 'bat', 'cmd', 'msi', 'msp', 'msix', 'msixbundle', 'appx', 'appxbundle', 'scr', 'pif', 'cpl', 'lnk', 'url',
  'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'ps1', 'psm1', 'hta', 'reg', 'inf', 'application', 'appref-ms', 'gadget',
  'jar', 'jnlp', 'settingcontent-ms', 'library-ms', 'diagcab', 'chm',
  // macOS
  'app', 'command', 'tool', 'pkg', 'mpkg', 'terminal', 'workflow', 'scpt', 'applescript', 'webloc', 'fileloc',
  // Linux and Unix
  'desktop', 'sh', 'bash', 'zsh', 'csh', 'ksh', 'run', 'appimage', 'deb', 'rpm', 'flatpakref', 'snap',
  'py', 'pyw', 'pl', 'rb', 'php',
]);

/** Why a file would run as a program when opened, or undefined when it would just be shown. */
export async function executableReason(file: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const extension = path.extname(file).slice(1).toLowerCase();
  if (EXECUTABLE_EXTENSIONS.has(extension)) return `“.${extension}” files run as programs`;
  if (platform === 'win32') return undefined;
  try {
    const info = await stat(file);
    if (info.isFile() && (info.mode & 0o111) !== 0) return 'the file is marked as executable';
  } catch {
    // Missing or unreadable: openPath reports that itself.
  }
  return undefined;
}

export interface OpenDownloadedFileDeps {
  shell: Pick<Shell, 'openPath'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  platform?: NodeJS.Platform;
}

/** Resolves like shell.openPath: '' when opened, otherwise a message (also when the user declined). */
export async function openDownloadedFile(file: string, deps: OpenDownloadedFileDeps): Promise<string> {
  const reason = await executableReason(file, deps.platform);
  if (reason) {
    const answer = await deps.dialog.showMessageBox({
      type: 'warning',
      buttons: ['Open', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
      message: `Open “${path.basename(file)}”?`,
      detail: `This file came from the internet and ${reason}. Open it only if you trust where it came from.`,
    });
    if (answer.response !== 0) return 'Not opened: you chose not to run it';
  }
  return deps.shell.openPath(file);
}
