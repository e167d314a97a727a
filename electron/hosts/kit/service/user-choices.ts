// What the user chose through the desktop app's main process: files (native open dialog, a drop
// the user confirmed in a native dialog, the second-launch hand-off) and download folders (the
// native folder picker), and the rule that requests may name nothing else there. The renderer gets opaque
// handles for the files and may pick among the folders. Handles are random, live for the app's
// run and are capped in number, oldest forgotten first, so a renderer cannot grow the map without
// bound. Hosts without choices (headless: the token holder owns the machine) take paths.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ChosenFile } from '../../../../shared/contract';

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

export class PathRefused extends Error {
  constructor(
    readonly code: 'FORBIDDEN' | 'INVALID_INPUT' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'PathRefused';
  }
}

/** The files an addUploads names, as paths (label: how to name each in an error), refusing what this host does not take. */
export function uploadSourcesFor(
  choices: UserChoices | undefined,
  paths: string[] | undefined,
  handles: string[] | undefined,
): { path: string; label: string }[] {
  if (paths && choices) {
    throw new PathRefused('FORBIDDEN', 'The desktop app uploads only files chosen in its dialog, dropped on its window or handed to it at launch');
  }
  if (handles && !choices) throw new PathRefused('INVALID_INPUT', 'This host takes the paths of the files to upload, not handles');
  const fromHandles = (handles ?? []).map((handle) => {
    const file = choices?.fileFor(handle);
    if (!file) throw new PathRefused('NOT_FOUND', 'A chosen file is no longer known; choose it again');
    return { path: file, label: path.basename(file) };
  });
  return [...(paths ?? []).map((p) => ({ path: p, label: p })), ...fromHandles];
}

/** With choices (the desktop app), a download folder is the settings' one or one the user picked in the native dialog. */
export function requireChosenFolder(choices: UserChoices | undefined, folder: string, settingsFolder: string): void {
  if (!choices || path.resolve(folder) === path.resolve(settingsFolder) || choices.isChosenFolder(folder)) return;
  throw new PathRefused('FORBIDDEN', 'Choose the download folder with “Choose folder…”; the desktop app saves only into folders picked there');
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
