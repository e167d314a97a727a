// Files dropped on the window become upload handles only once the main process vouches for them.
// The preload learns a dropped File's path with webUtils.getPathForFile, but the preload runs in
// the renderer process: a compromised renderer can send any path down the same channel (a handle
// for ~/.ssh/id_rsa uploaded the key). Electron gives the main process no event for a drop into a
// page (the drag data stays in the renderer; webUtils only reads what Blink already holds), so
// the main process cannot see the drop itself. It asks instead: one native dialog per drop that
// lists exactly the files it is about to hand out (names, sizes, folders), and only "Upload"
// issues handles, for those files and no others. The question can be turned off in Settings
// ("Ask before uploading dropped files"); turning it off takes a yes in a native dialog as well,
// because a renderer that could switch the setting by itself would switch off its own guard.
import { formatBytes } from '../../shared/format-size';
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent, MessageBoxOptions } from 'electron';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ChosenFile, Reply } from '../../shared/contract';
import type { Settings, SettingsPatch } from '../../shared/settings';
import { CHOOSE_DROPPED_FILES_CHANNEL } from '../hosts/kit/ipc/channels';
import type { UserChoices } from '../hosts/kit/service/user-choices';

/** More than one drop brings in practice; bounds the IPC payload and the work per call. */
export const MAX_DROPPED_FILES = 1000;
/** Lines of the dialog that name files and folders; the rest is counted ("and 3 more"). */
const LISTED_FILES = 12;
const LISTED_FOLDERS = 6;

export interface DroppedFilesOptions {
  dialog: Pick<Dialog, 'showMessageBox'>;
  ipcMain: Pick<IpcMain, 'handle'>;
  choices: UserChoices;
  window(): BrowserWindow | undefined;
  /** Whether an IPC call came from Ferry's own window (the IPC host's rule). */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /** The "Ask before uploading dropped files" setting. */
  askBeforeUploading(): boolean;
}

interface DroppedFile {
  path: string;
  size: number;
}

const refused = (code: 'FORBIDDEN' | 'INVALID_INPUT' | 'FAILED', message: string) => ({ ok: false as const, error: { code, message } });

export function registerDroppedFiles(options: DroppedFilesOptions): void {
  // One drop at a time: no pile of questions to click through, and no second dialog slipped in
  // under the pointer while the user answers the first.
  let busy = false;
  options.ipcMain.handle(CHOOSE_DROPPED_FILES_CHANNEL, async (event, paths: unknown): Promise<Reply<ChosenFile[]>> => {
    if (!options.isTrustedSender(event)) return refused('FORBIDDEN', 'Calls are only accepted from Ferry’s own window');
    if (busy) return refused('FAILED', 'Ferry is still asking about the files dropped before');
    busy = true;
    try {
      const files = await droppedFiles(paths);
      if (!files.ok) return files;
      if (options.askBeforeUploading() && !(await confirmUpload(options, files.value))) return refused('FAILED', 'Not uploaded: you chose Cancel');
      return { ok: true, value: files.value.map((file) => options.choices.chooseFile(file.path, file.size)) };
    } finally {
      busy = false;
    }
  });
}

/**
 * The regular files the renderer named, as they really are on disk (links resolved, so the dialog
 * shows what would be read), without repeats, in order. One item that is not a file refuses the
 * whole drop: a handle is issued for nothing the dialog did not list.
 */
async function droppedFiles(paths: unknown): Promise<Reply<DroppedFile[]>> {
  if (!Array.isArray(paths) || paths.length === 0) return refused('INVALID_INPUT', 'Nothing was dropped');
  if (paths.length > MAX_DROPPED_FILES) return refused('INVALID_INPUT', `Drop at most ${MAX_DROPPED_FILES} files at a time`);
  const files = new Map<string, DroppedFile>();
  for (const given of paths) {
    if (typeof given !== 'string' || given.length === 0 || given.length > 4096 || given.includes('\0') || !path.isAbsolute(given)) {
      return refused('INVALID_INPUT', 'Only files on this computer can be uploaded');
    }
    const shown = `“${displayed(path.basename(given))}”`;
    try {
      const real = await realpath(given);
      const info = await stat(real);
      if (!info.isFile()) return refused('INVALID_INPUT', `${shown} is a folder or device: only files (not folders) can be uploaded`);
      if (!files.has(real)) files.set(real, { path: real, size: info.size });
    } catch {
      return refused('INVALID_INPUT', `${shown} cannot be read`);
    }
  }
  return { ok: true, value: [...files.values()] };
}

/** One question for the whole drop; the default button is Cancel, so a stray Enter uploads nothing. */
async function confirmUpload(options: DroppedFilesOptions, files: DroppedFile[]): Promise<boolean> {
  const first = files[0]!;
  const message = files.length === 1 ? `Upload “${displayed(path.basename(first.path))}”?` : `Upload these ${files.length} files?`;
  const answer = await showMessageBox(options, {
    type: 'question',
    buttons: ['Upload', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: 'Upload dropped files',
    message,
    detail: [...fileLines(files), '', ...folderLines(files), '', 'Ferry asks because its window cannot prove by itself that you dropped them. Settings › Transfers can turn this question off.'].join('\n'),
  });
  return answer.response === 0;
}

function fileLines(files: DroppedFile[]): string[] {
  const lines = files.slice(0, LISTED_FILES).map((f) => `${displayed(path.basename(f.path))} (${formatSize(f.size)})`);
  if (files.length > LISTED_FILES) lines.push(`… and ${files.length - LISTED_FILES} more`);
  return lines;
}

/** Every folder is counted, however many files there are: a file slipped in from elsewhere shows. */
function folderLines(files: DroppedFile[]): string[] {
  const folders = [...new Set(files.map((f) => path.dirname(f.path)))];
  if (folders.length === 1) return [`From ${displayed(folders[0]!)}`];
  const lines = [`From ${folders.length} folders:`, ...folders.slice(0, LISTED_FOLDERS).map(displayed)];
  if (folders.length > LISTED_FOLDERS) lines.push(`… and ${folders.length - LISTED_FOLDERS} more folders`);
  return lines;
}

/**
 * Settings changes that need the user's yes in a native dialog: only turning the question off.
 * Turning it on, and every other change, needs none. Resolves to a refusal message, or undefined.
 */
export async function confirmSettingsChange(
  patch: SettingsPatch,
  current: Settings,
  options: Pick<DroppedFilesOptions, 'dialog' | 'window'>,
): Promise<string | undefined> {
  const commandRefused = await confirmFinishCommand(patch, current, options);
  if (commandRefused) return commandRefused;
  if (patch.confirmDroppedFiles !== false || !current.confirmDroppedFiles) return undefined;
  const answer = await showMessageBox(options, {
    type: 'warning',
    buttons: ['Stop asking', 'Keep asking'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: 'Dropped files',
    message: 'Upload dropped files without asking?',
    detail:
      'Ferry will then upload whatever its window says was dropped, without showing you the files first. ' +
      'If a page ever took over Ferry’s window, it could upload files you never dropped.',
  });
  return answer.response === 0 ? undefined : 'Settings not saved: Ferry still asks before uploading dropped files (you chose to keep asking)';
}

/**
 * A command to run when the queue finishes is code the machine runs: a renderer must not set one
 * on its own (a page that took over the window would run anything), so a new or changed command
 * needs a yes in a native dialog that shows it.
 */
async function confirmFinishCommand(patch: SettingsPatch, current: Settings, options: Pick<DroppedFilesOptions, 'dialog' | 'window'>): Promise<string | undefined> {
  const next = patch.whenQueueFinishes;
  if (!next || next.action !== 'run-command') return undefined;
  const before = current.whenQueueFinishes;
  if (before.action === 'run-command' && before.command === next.command) return undefined;
  const answer = await showMessageBox(options, {
    type: 'warning',
    buttons: ['Run it', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: 'When the queue finishes',
    message: 'Run this command each time the queue finishes?',
    detail: `${displayed(next.command)}\n\nThe finished files are added as its last arguments. Say yes only to a command you typed yourself.`,
  });
  return answer.response === 0 ? undefined : 'Settings not saved: the command was not confirmed';
}

function showMessageBox(options: Pick<DroppedFilesOptions, 'dialog' | 'window'>, box: MessageBoxOptions) {
  const window = options.window();
  return window && !window.isDestroyed() ? options.dialog.showMessageBox(window, box) : options.dialog.showMessageBox(box);
}

/** A name as the dialog may show it: no line breaks or direction overrides that could fake other lines or names. */
function displayed(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

function formatSize(bytes: number): string {
  // Tiny files in words ("11 bytes"); above that the one convention every front uses.
  return bytes < 1024 ? `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}` : formatBytes(bytes);
}
