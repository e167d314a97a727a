// Finding the record an earlier run of the same command left unfinished, so that running the
// command again continues it (after Ctrl-C, a crash or SIGKILL) instead of starting over.
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import type { TransferView } from '../../../../shared/transfer';

export interface DownloadKey {
  url: string;
  directory: string;
  fileName?: string;
  /** No folder was named: the rules chose one, so an earlier download a rule filed elsewhere is the same. */
  byRules?: boolean;
}

export interface UploadKey {
  sourcePath: string;
  url: string;
}

/** Unfinished download of the same URL into the same folder under the same requested name. */
export function findUnfinishedDownload(views: readonly TransferView[], key: DownloadKey, taken: ReadonlySet<string>): TransferView | undefined {
  return mostAdvanced(
    views.filter(
      (view) =>
        unfinished(view, 'download', taken) &&
        view.url === shown(key.url) &&
        (view.download?.directory === key.directory || (key.byRules === true && view.download?.rule !== undefined)) &&
        (view.download?.requestedName ?? undefined) === key.fileName,
    ),
  );
}

/**
 * Unfinished download into the same folder under the same requested name (`--out`), from another
 * URL: the link it came from expired, and the user runs the command again with a fresh one.
 */
export function findUnfinishedByName(views: readonly TransferView[], key: Required<Pick<DownloadKey, 'directory' | 'fileName'>>, taken: ReadonlySet<string>): TransferView | undefined {
  return mostAdvanced(
    views.filter(
      (view) =>
        unfinished(view, 'download', taken) &&
        view.download?.directory === key.directory &&
        view.download?.requestedName === key.fileName,
    ),
  );
}

/**
 * The unfinished download of the file a browser handed over: the same final name (as Ferry saves
 * it) and the same size, the earlier one's size known from its server. Not completed, not canceled
 * (a canceled one threw its bytes away: nothing to continue), not a video stream (its size is not
 * the file's). Any folder: the rules may file by type, and name and size together are what the
 * user recognises; among several, the one in `directory` first, then the furthest along.
 */
export function findUnfinishedSameFile(views: Iterable<TransferView>, key: { name: string; size: number; directory?: string }, skip: ReadonlySet<string>): TransferView | undefined {
  const candidates: TransferView[] = [];
  for (const view of views) {
    if (!unfinished(view, 'download', skip) || view.state === 'canceled') continue;
    if (view.download?.stream || view.progress.totalBytes !== key.size) continue;
    if (view.download?.fileName !== key.name) continue;
    candidates.push(view);
  }
  const here = candidates.filter((view) => key.directory !== undefined && view.download?.directory === key.directory);
  return mostAdvanced(here.length > 0 ? here : candidates);
}

/** Unfinished tus upload of the same source to the same endpoint. */
export function findUnfinishedTusUpload(views: readonly TransferView[], key: UploadKey, taken: ReadonlySet<string>): TransferView | undefined {
  return mostAdvanced(
    views.filter(
      (view) =>
        unfinished(view, 'upload', taken) &&
        view.upload?.protocol === 'tus' &&
        view.upload.sourcePath === key.sourcePath &&
        view.url === shown(key.url),
    ),
  );
}

/** Unfinished raw/multipart uploads of the same source to the same URL: they restart anyway. */
export function findStaleUploads(views: readonly TransferView[], key: UploadKey): TransferView[] {
  return views.filter(
    (view) =>
      unfinished(view, 'upload') &&
      view.upload?.protocol !== 'tus' &&
      view.upload?.sourcePath === key.sourcePath &&
      view.url === shown(key.url),
  );
}

const NONE_TAKEN: ReadonlySet<string> = new Set();

/** Not completed, of this kind, and not continued already by this call (`taken`). */
function unfinished(view: TransferView, kind: TransferView['kind'], taken = NONE_TAKEN): boolean {
  return view.kind === kind && view.state !== 'completed' && !taken.has(view.id);
}

/** A URL as views show it: the engine masks the password of every URL it sends (transfer-view.ts). */
function shown(url: string): string {
  return maskUrlPasswords(url);
}

function mostAdvanced(candidates: TransferView[]): TransferView | undefined {
  return candidates.sort((a, b) => b.progress.bytesDone - a.progress.bytesDone || b.createdAt - a.createdAt)[0];
}
