// "Import links…": a list's entries become downloads through the one service (its importLinks).
// Who calls decides the folders: the window names none (an entry's `dir` is set aside and said in
// a note: the links go where the main process let the user choose), the owner may (relative to
// the folder of the import). Links already listed are skipped and counted, not added twice; the
// rest is added in batches, so 10,000 links cost a few engine batches, not 10,000 round trips.
import type { ImportLinksResult } from '../../../../shared/contract';
import { LIST_MAX_LINKS } from '../../../../shared/contract';
import type { LineProblem } from '../../../../shared/input-file';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import type { TransferView } from '../../../../shared/transfer';
import { checkDownloadFolder, type DownloadRequest } from '../../../engine/index';
import type { AdHocSecretSink } from './ad-hoc-uploads';
import type { EngineLike } from './service-options';
import { storeTransferProxy } from './proxy-secrets';
import { messageOf, Refusal } from './refusal';
import { listedDownloadsFrom, type ListedDownload } from '../lists/listed-downloads';

/** Links added per engine batch: large enough that 10,000 take a handful, small enough that one bad folder costs little. */
export const IMPORT_BATCH = 2000;

export interface ImportContext {
  engine: Pick<EngineLike, 'list' | 'addDownloads'>;
  /** Where the links go unless an entry says otherwise (already checked for this caller). */
  folder: string;
  /** Whether the caller may name folders (`dir`, `out=sub/name`): the owner, not the window. */
  namesFolders: boolean;
  /** The settings' connections per download, copied in as a default like addDownloads does. */
  defaultConnections: number;
  /** Where a listed proxy's password is kept. */
  proxySecrets?: AdHocSecretSink;
}

export async function importLinks(text: string, context: ImportContext): Promise<ImportLinksResult> {
  const listed = listedDownloadsFrom(text, { label: 'the list', baseFolder: context.folder, namesFolders: context.namesFolders });
  const count = listed.downloads.length + listed.problems.length;
  if (count > LIST_MAX_LINKS) throw new Refusal('INVALID_INPUT', `A list can hold at most ${LIST_MAX_LINKS.toLocaleString('en')} links; this one has ${count.toLocaleString('en')}`);
  const problems: LineProblem[] = [...listed.problems];
  const listedAlready = new Set(context.engine.list().filter((view) => view.kind === 'download').map((view) => sameUrlKey(view.url)));
  const fresh: ListedDownload[] = [];
  let skipped = 0;
  for (const download of listed.downloads) {
    const key = sameUrlKey(download.url);
    if (listedAlready.has(key)) {
      skipped += 1;
      continue;
    }
    listedAlready.add(key);
    fresh.push(download);
  }
  const requests: Array<{ line: number; request: DownloadRequest }> = [];
  const folders = new Map<string, Promise<string | Error>>();
  const release = context.proxySecrets?.hold?.();
  try {
    for (const download of fresh) {
      try {
        requests.push({ line: download.line, request: await requestFor(download, context, folders) });
      } catch (error) {
        problems.push({ line: download.line, message: messageOf(error) });
      }
    }
    const ids: string[] = [];
    for (let start = 0; start < requests.length; start += IMPORT_BATCH) {
      const batch = requests.slice(start, start + IMPORT_BATCH);
      ids.push(...(await addBatch(context, batch, problems)).map((view) => view.id));
    }
    problems.sort((a, b) => a.line - b.line);
    return { ids, skipped, problems, notes: listed.notes };
  } finally {
    release?.();
  }
}

/** One batch; when the engine refuses it, each link alone, so only the ones at fault become problems. */
async function addBatch(context: ImportContext, batch: Array<{ line: number; request: DownloadRequest }>, problems: LineProblem[]): Promise<TransferView[]> {
  try {
    return await context.engine.addDownloads(batch.map((item) => item.request));
  } catch {
    const added: TransferView[] = [];
    for (const item of batch) {
      try {
        added.push(...(await context.engine.addDownloads([item.request])));
      } catch (error) {
        problems.push({ line: item.line, message: messageOf(error) });
      }
    }
    return added;
  }
}

async function requestFor(download: ListedDownload, context: ImportContext, folders: Map<string, Promise<string | Error>>): Promise<DownloadRequest> {
  let directory = context.folder;
  if (download.directory !== undefined) {
    // The owner's folders: each one checked once (Ferry never saves where the OS runs files from).
    let checked = folders.get(download.directory);
    if (!checked) folders.set(download.directory, (checked = checkDownloadFolder(download.directory).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
    const result = await checked;
    if (result instanceof Error) throw result;
    directory = result;
  }
  const request: DownloadRequest = { url: download.url, directory };
  // A line's other URIs are mirrors of the same file: the download spreads its connections over them.
  if (download.mirrors.length > 0) request.mirrors = download.mirrors;
  if (download.fileName !== undefined) request.fileName = download.fileName;
  if (download.sha256 !== undefined) request.sha256 = download.sha256;
  if (download.connections !== undefined) request.connections = download.connections;
  else {
    request.connections = context.defaultConnections;
    request.connectionsByDefault = true;
  }
  // Header values go to the secret store with the record (the engine seals them), as addDownloads' do.
  if (download.headers !== undefined) request.headers = download.headers;
  if (download.speedLimit !== undefined) request.speedLimit = download.speedLimit;
  if (download.stream !== undefined) request.stream = download.stream;
  if (download.proxy !== undefined) request.proxy = await storeTransferProxy(download.proxy, context.proxySecrets);
  return request;
}

/** Two links are the same when their parsed URLs are (passwords compared as masked: views carry them so). */
function sameUrlKey(url: string): string {
  try {
    return maskUrlPasswords(new URL(url).href);
  } catch {
    return maskUrlPasswords(url);
  }
}
