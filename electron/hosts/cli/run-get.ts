// `ferry get`: downloads each URL (and each entry of its -i list), continuing an unfinished
// download of the same URL into the same folder when an earlier run left one in the data folder,
// or of the same --out name from another URL (a link that expired, given again fresh).
import type { TransferView } from '../../../shared/transfer';
import type { MemorySecretsProvider } from '../../engine/index';
import type { GetCommand } from './args';
import { findUnfinishedByName, findUnfinishedDownload } from './continue-match';
import { continueTransfer } from './continue-transfer';
import { downloadRequestOf, downloadsOf, labelOf } from './get-downloads';
import { listProxyForEngine } from './list-proxy';
import { refusalText } from './outcome';
import type { Session } from './session';

export async function enqueueDownloads(command: GetCommand, session: Session, secrets: MemorySecretsProvider): Promise<void> {
  const taken = new Set<string>();
  for (const download of downloadsOf(command)) {
    try {
      // Stored first: an earlier record of this download names the password by the same reference.
      const proxy = await listProxyForEngine(download.proxy, secrets);
      const key = { url: download.url, directory: download.directory, fileName: download.fileName };
      const urls = [download.url, ...download.mirrors];
      const earlier = findUnfinishedDownload(session.engine.list(), key, taken);
      if (earlier) {
        taken.add(earlier.id);
        if (download.mirrors.length > 0) await session.engine.setDownloadUrls(earlier.id, urls);
        session.track(await continueTransfer(session.engine, earlier), continuingNote(earlier));
        continue;
      }
      // The same name from another URL (its link expired): continued from the new one, whose
      // bytes are compared with the ones on disk before they are kept (the log says which).
      const renamed = download.fileName === undefined ? undefined : findUnfinishedByName(session.engine.list(), { directory: download.directory, fileName: download.fileName }, taken);
      if (renamed) {
        taken.add(renamed.id);
        await session.engine.setDownloadUrls(renamed.id, urls);
        session.track(await continueTransfer(session.engine, renamed), `${continuingNote(renamed)} from the new address (its bytes are kept if it serves the same file)`);
        continue;
      }
      const view = await session.engine.addDownload(downloadRequestOf(download, proxy));
      taken.add(view.id);
      session.track(view);
    } catch (error) {
      // One refused download (a folder that cannot be used, say) fails alone; the others go on.
      session.refused++;
      session.reporter.error(`ferry: ${labelOf(download)}: ${refusalText(error)}`);
    }
  }
}

function continuingNote(view: TransferView): string {
  const done = view.progress.bytesDone;
  return done > 0 ? `continuing an earlier download (${done} bytes already there)` : 'continuing an earlier download';
}
