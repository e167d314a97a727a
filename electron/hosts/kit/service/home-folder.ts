// `~` in a folder someone typed means the home folder of the user the host runs as, as in a shell.
// Only the host knows that folder (the renderer in a browser may run on another machine), so the
// service expands it in a request's folder fields before the contract reads the request: the
// contract itself takes absolute folders only, and every check (the folder policy too) sees the
// expanded one. `~user` forms are not expanded (and so refused as not absolute).
import os from 'node:os';
import path from 'node:path';

export function expandHomeFolder(folder: string, home: string = os.homedir()): string {
  if (folder === '~') return home;
  if (/^~[\\/]/.test(folder)) return path.join(home, folder.slice(2));
  return folder;
}

/** The request's own folder fields a person types: addDownloads' directory, setSettings' downloadDirectory. */
const TYPED_FOLDERS: Record<string, string> = { addDownloads: 'directory', setSettings: 'downloadDirectory' };

/** The raw input with a leading `~` of its typed folder expanded; anything else is returned as it came. */
export function expandTypedFolder(name: unknown, input: unknown, home?: string): unknown {
  const field = typeof name === 'string' && Object.prototype.hasOwnProperty.call(TYPED_FOLDERS, name) ? TYPED_FOLDERS[name]! : undefined;
  if (!field || !input || typeof input !== 'object' || Array.isArray(input)) return input;
  const descriptor = Object.getOwnPropertyDescriptor(input, field);
  const typed: unknown = descriptor && 'value' in descriptor ? descriptor.value : undefined;
  if (typeof typed !== 'string' || !typed.trimStart().startsWith('~')) return input;
  return { ...(input as Record<string, unknown>), [field]: expandHomeFolder(typed.trim(), home) };
}
