// New transfers coming in: the checks a request must pass before anything is kept (http(s) URL,
// a download folder the OS does not run files from), the workers' preparation (uploads stage their
// copy), and one durable batch before anyone hears of them. Its own home so that what is accepted,
// and how a batch of thousands is saved, changes apart from the commands on transfers already listed.
import type { TransferView } from '../../shared/transfer';
import { checkDownloadFolder } from './download/folder-policy';
import { proxyChoiceProblem } from './net/proxy-choice';
import type { RecordWriter } from './record-writer';
import { mergeCheckpoint } from './records';
import { TransferFailure, type DownloadRequest, type TransferRecord, type TransferWorker, type UploadRequest } from './types';
import { assertHttpUrl } from './url-check';

/** Every request checked before any is added; each download folder resolved once (checked per folder, not per file). */
export async function checkDownloadRequests(reqs: readonly DownloadRequest[]): Promise<DownloadRequest[]> {
  for (const req of reqs) {
    assertHttpUrl(req.url);
    for (const mirror of req.mirrors ?? []) assertHttpUrl(mirror);
    assertProxyChoice(req);
  }
  // Folders the OS runs files from at login are refused however they are spelt.
  const folders = new Map<string, Promise<string>>();
  return Promise.all(
    reqs.map((req) => {
      let folder = folders.get(req.directory);
      if (!folder) folders.set(req.directory, (folder = checkDownloadFolder(req.directory)));
      return folder.then((directory) => ({ ...req, directory }));
    }),
  );
}

export function checkUploadRequest(req: UploadRequest): void {
  assertHttpUrl(req.url.replaceAll('{filename}', 'x'));
  assertProxyChoice(req);
}

function assertProxyChoice(req: DownloadRequest | UploadRequest): void {
  const problem = req.proxy ? proxyChoiceProblem(req.proxy) : undefined;
  if (problem) throw new TransferFailure({ code: 'PROXY', message: problem, retryable: false });
}

export interface AdmitDeps {
  workerFor(record: TransferRecord): TransferWorker;
  writer: RecordWriter;
  /** The record is saved: it joins the engine; returns the one copy of its view that goes out as 'added' (and in the reply). */
  admitted(record: TransferRecord): TransferView;
}

/** Prepares and saves new records, then admits each; returns the views for the caller's reply. */
export async function admitTransfers(records: TransferRecord[], deps: AdmitDeps): Promise<TransferView[]> {
  for (const record of records) {
    const prepared = await deps.workerFor(record).prepare?.(record);
    if (prepared) mergeCheckpoint(record, prepared);
  }
  // Durable before anyone hears of them, with one fsync for the whole batch (each record's own
  // file follows in the background through the bounded writer).
  await deps.writer.addBatch(records);
  // One copy serves the event and the reply (listeners treat views as read-only): with
  // 10,000 added, a second copy each is megabytes of garbage for nothing.
  return records.map((record) => deps.admitted(record));
}
