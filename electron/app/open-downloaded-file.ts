// Opening a downloaded file with the OS, the way browsers do it: a file that would run as a
// program (by its extension, or by its execute bits on Linux and macOS) is opened only after the
// user said yes in a native dialog that names it. The renderer can ask for "open", but it cannot
// answer the question: the dialog belongs to the main process.
import type { Dialog, Shell } from 'electron';
import path from 'node:path';
import { executableReason } from '../hosts/kit/opening/dangerous-file-types';

export { executableReason };

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
