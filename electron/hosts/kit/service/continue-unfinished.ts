// A rerun of `ferry get` or `ferry put` continues what an earlier run of the same command left
// unfinished (after Ctrl-C, a crash or SIGKILL) instead of starting over: the service does it for
// calls that ask (`continueUnfinished`), with the URLs as the engine holds them (views are masked).
import type { TransferView } from '../../../../shared/transfer';
import type { TransferEngine } from '../../../engine/index';
import { findStaleUploads, findUnfinishedByName, findUnfinishedDownload, findUnfinishedTusUpload, type DownloadKey, type UploadKey } from './continue-match';

export type ContinuingEngine = Pick<TransferEngine, 'list' | 'get' | 'resume' | 'retry' | 'remove' | 'setDownloadUrls'>;

/** Puts an earlier, unfinished transfer back to work, whatever state the last run left it in. */
export async function continueTransfer(engine: ContinuingEngine, view: TransferView): Promise<TransferView> {
  // A queued one may be held (a standalone run holds what it found at start): resuming lets it go.
  if (view.state === 'paused' || view.state === 'queued') await engine.resume(view.id);
  else if (view.state === 'failed' || view.state === 'canceled') await engine.retry(view.id);
  // An active one is running already.
  return engine.get(view.id) ?? view;
}

/**
 * For each key (by index) the unfinished download an earlier run left, each taken once: one of the
 * same URL, else (a named file whose link expired, given again fresh) one of the same name in the
 * same folder, which gets the new URLs. The engine compares the new address's bytes with the ones
 * on disk before it keeps them, and says in the transfer's log which it did. `mirrors`: the other
 * URLs of the same file, given to a continued download too.
 */
export async function unfinishedDownloads(engine: ContinuingEngine, keys: readonly DownloadKey[], mirrors: readonly string[] = []): Promise<Map<number, TransferView>> {
  const views = engine.list();
  const taken = new Set<string>();
  const found = new Map<number, TransferView>();
  for (const [index, key] of keys.entries()) {
    const sameUrl = findUnfinishedDownload(views, key, taken);
    const sameName = sameUrl ?? (key.fileName === undefined ? undefined : findUnfinishedByName(views, { directory: key.directory, fileName: key.fileName }, taken));
    if (!sameName) continue;
    taken.add(sameName.id);
    if (!sameUrl || mirrors.length > 0) await engine.setDownloadUrls(sameName.id, [key.url, ...mirrors]);
    found.set(index, sameName);
  }
  return found;
}

/**
 * An unfinished tus upload of the same file to the same URL, continued from the server's offset;
 * raw and multipart ones restart from byte 0 anyway, so they are removed (with their staged copy)
 * and the caller adds the upload afresh. `taken`: ids continued already by this call.
 */
export async function continueUpload(engine: ContinuingEngine, key: UploadKey, protocol: string, taken: Set<string>): Promise<TransferView | undefined> {
  if (protocol === 'tus') {
    const earlier = findUnfinishedTusUpload(engine.list(), key, taken);
    if (!earlier) return undefined;
    taken.add(earlier.id);
    return continueTransfer(engine, earlier);
  }
  for (const stale of findStaleUploads(engine.list(), key)) await engine.remove(stale.id);
  return undefined;
}
