// Opening a downloaded file with the OS, the way browsers do it: a file that would run as a
// program (by its extension, or by its execute bits on Linux and macOS) is opened only after the
// user said yes in a native dialog that names it. The renderer can ask for "open", but it cannot
// answer the question: the dialog belongs to the main process.
import type { Dialog, Shell } from 'electron';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { runsWhenOpened } from './dangerous-file-types';

/** Why a file would run as a program when opened, or undefined when it would just be shown. */
export async function executableReason(file: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const extension = runsWhenOpened(file);
  if (extension) return `“.${extension}” files can run programs or change settings when opened`;
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
