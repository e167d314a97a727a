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
        view.kind === 'download' &&
        view.state !== 'completed' &&
        !taken.has(view.id) &&
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
        view.kind === 'download' &&
        view.state !== 'completed' &&
        !taken.has(view.id) &&
        view.download?.directory === key.directory &&
        view.download?.requestedName === key.fileName,
    ),
  );
}

/** Unfinished tus upload of the same source to the same endpoint. */
export function findUnfinishedTusUpload(views: readonly TransferView[], key: UploadKey, taken: ReadonlySet<string>): TransferView | undefined {
  return mostAdvanced(
    views.filter(
      (view) =>
        view.kind === 'upload' &&
        view.state !== 'completed' &&
        !taken.has(view.id) &&
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
      view.kind === 'upload' &&
      view.state !== 'completed' &&
      view.upload?.protocol !== 'tus' &&
      view.upload?.sourcePath === key.sourcePath &&
      view.url === shown(key.url),
  );
}

/** A URL as views show it: the engine masks the password of every URL it sends (transfer-view.ts). */
function shown(url: string): string {
  return maskUrlPasswords(url);
}

function mostAdvanced(candidates: TransferView[]): TransferView | undefined {
  return candidates.sort((a, b) => b.progress.bytesDone - a.progress.bytesDone || b.createdAt - a.createdAt)[0];
}
