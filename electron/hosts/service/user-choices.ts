// What the user chose through the desktop app's main process: files (native open dialog, a drop
// the preload reported, the second-launch hand-off) and download folders (the native folder
// picker). The renderer gets opaque handles for the files and may pick among the folders; it can
// name nothing else. Handles are random, live for the app's run and are capped in number, oldest
// forgotten first, so a renderer cannot grow the map without bound.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ChosenFile } from '../../../shared/contract';

const MAX_FILES = 10_000;
const MAX_FOLDERS = 100;

export interface UserChoices {
  /** Records a file the user chose and returns what the UI may hold of it. */
  chooseFile(filePath: string, size: number): ChosenFile;
  /** The path behind a handle this process issued, or undefined. */
  fileFor(handle: string): string | undefined;
  chooseFolder(folder: string): void;
  isChosenFolder(folder: string): boolean;
}

export function createUserChoices(): UserChoices {
  const files = new Map<string, string>();
  const folders = new Set<string>();
  return {
    chooseFile(filePath, size) {
      const handle = randomBytes(16).toString('hex');
      files.set(handle, filePath);
      if (files.size > MAX_FILES) files.delete(files.keys().next().value!);
      return { handle, name: path.basename(filePath), size };
    },
    fileFor: (handle) => files.get(handle),
    chooseFolder(folder) {
      const normalised = path.resolve(folder);
      folders.delete(normalised);
      folders.add(normalised);
      if (folders.size > MAX_FOLDERS) folders.delete(folders.values().next().value!);
    },
    isChosenFolder: (folder) => path.isAbsolute(folder) && folders.has(path.resolve(folder)),
  };
}
