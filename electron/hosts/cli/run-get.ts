// `ferry get`: downloads each URL, continuing an unfinished download of the same URL into the
// same folder when an earlier run left one in the data folder.
import type { TransferView } from '../../../shared/transfer';
import type { DownloadRequest } from '../../engine/index';
import type { GetCommand } from './args';
import { findUnfinishedDownload } from './continue-match';
import { continueTransfer } from './continue-transfer';
import { refusalText } from './outcome';
import type { Session } from './session';

export async function enqueueDownloads(command: GetCommand, session: Session): Promise<void> {
  const taken = new Set<string>();
  for (const url of command.urls) {
    const key = { url, directory: command.directory, fileName: command.fileName };
    const earlier = findUnfinishedDownload(session.engine.list(), key, taken);
    if (earlier) {
      taken.add(earlier.id);
      session.track(await continueTransfer(session.engine, earlier), continuingNote(earlier));
      continue;
    }
    const request: DownloadRequest = { url, directory: command.directory };
    if (command.fileName !== undefined) request.fileName = command.fileName;
    if (command.sha256 !== undefined) request.sha256 = command.sha256;
    if (command.connections !== undefined) request.connections = command.connections;
    if (command.variant !== undefined) request.stream = { variant: command.variant };
    try {
      const view = await session.engine.addDownload(request);
      taken.add(view.id);
      session.track(view);
    } catch (error) {
      session.refused++;
      session.reporter.error(`ferry: ${url}: ${refusalText(error)}`);
    }
  }
}

function continuingNote(view: TransferView): string {
  const done = view.progress.bytesDone;
  return done > 0 ? `continuing an earlier download (${done} bytes already there)` : 'continuing an earlier download';
}
