// Where the desktop app's files and folders come from: the native open dialog, the native folder
// picker and files handed over at launch (dropped files: dropped-files.ts). Each becomes a
// UserChoices entry, so the renderer only ever holds handles and picks among folders the user chose.
import type { BrowserWindow, Dialog, OpenDialogOptions } from 'electron';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ChosenFile } from '../../shared/contract';
import type { UserChoices } from '../hosts/kit/service/user-choices';

export interface FileChoosersOptions {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  choices: UserChoices;
  window(): BrowserWindow | undefined;
  /** The download folder the picker opens in. */
  downloadDirectory(): string;
}

export interface FileChoosers {
  chooseUploadFiles(): Promise<ChosenFile[]>;
  chooseDownloadFolder(): Promise<string | null>;
  /** Files from a second launch or the OS's "open with", as the renderer may hold them. */
  chooseHandedOver(paths: string[]): Promise<ChosenFile[]>;
}

/** The regular file at an absolute path, as a chosen file; undefined for anything else. */
async function regularFile(choices: UserChoices, filePath: unknown): Promise<ChosenFile | undefined> {
  if (typeof filePath !== 'string' || filePath.length === 0 || filePath.length > 4096 || !path.isAbsolute(filePath)) return undefined;
  try {
    const info = await stat(filePath);
    return info.isFile() ? choices.chooseFile(filePath, info.size) : undefined;
  } catch {
    return undefined;
  }
}

async function showOpenDialog(options: FileChoosersOptions, dialogOptions: OpenDialogOptions): Promise<string[]> {
  const window = options.window();
  const result = window && !window.isDestroyed() ? await options.dialog.showOpenDialog(window, dialogOptions) : await options.dialog.showOpenDialog(dialogOptions);
  return result.canceled ? [] : result.filePaths;
}

export function createFileChoosers(options: FileChoosersOptions): FileChoosers {
  const { choices } = options;
  const chooseAll = async (paths: string[]) => (await Promise.all(paths.map((p) => regularFile(choices, p)))).filter((f): f is ChosenFile => f !== undefined);

  return {
    chooseUploadFiles: async () => chooseAll(await showOpenDialog(options, { title: 'Upload files', properties: ['openFile', 'multiSelections'] })),
    async chooseDownloadFolder() {
      const [folder] = await showOpenDialog(options, {
        title: 'Download folder',
        defaultPath: options.downloadDirectory(),
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      });
      return folder ?? null;
    },
    chooseHandedOver: chooseAll,
  };
}
