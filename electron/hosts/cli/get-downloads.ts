// The downloads one `ferry get` asks for: its URL arguments with the command's options, then the
// entries of its -i list, each with its own options over the command's (as aria2 reads a list: the
// command line gives the defaults). hand-over.ts turns each into one addDownloads call, whichever
// Ferry (this command's own or a running one) takes them.
import path from 'node:path';
import type { ListedDownload } from '../kit/lists/listed-downloads';
import type { GetCommand } from './args';

/**
 * One download of a `ferry get`: a list entry's fields (kit/lists/listed-downloads.ts), also for a
 * URL argument. `directory` absent: the download folder of the Ferry that takes it (hand it no
 * folder, so its rules apply); `subfolders` go under that folder (hand-over.ts asks it).
 */
export type GetDownload = Omit<ListedDownload, 'source' | 'line'> & {
  /** "links.txt line 3" for a listed one. */
  source?: string;
};

export function downloadsOf(command: GetCommand): GetDownload[] {
  const stream = command.variant !== undefined ? { variant: command.variant } : undefined;
  const fromArguments = command.urls.map((url): GetDownload => {
    const download: GetDownload = { url, mirrors: [], ...(command.directory !== undefined ? { directory: command.directory } : {}) };
    if (command.fileName !== undefined) download.fileName = command.fileName;
    if (command.sha256 !== undefined) download.sha256 = command.sha256;
    if (command.connections !== undefined) download.connections = command.connections;
    if (stream) download.stream = stream;
    return download;
  });
  const fromList = (command.list ?? []).map((listed): GetDownload => {
    const base = listed.directory ?? command.directory;
    const directory = base !== undefined && listed.subfolders ? path.join(base, ...listed.subfolders) : base;
    const download: GetDownload = { url: listed.url, mirrors: listed.mirrors, ...(directory !== undefined ? { directory } : {}), source: listed.source };
    if (directory === undefined && listed.subfolders) download.subfolders = listed.subfolders;
    if (listed.fileName !== undefined) download.fileName = listed.fileName;
    if (listed.sha256 !== undefined) download.sha256 = listed.sha256;
    const connections = listed.connections ?? command.connections;
    if (connections !== undefined) download.connections = connections;
    if (listed.headers !== undefined) download.headers = listed.headers;
    if (listed.speedLimit !== undefined) download.speedLimit = listed.speedLimit;
    if (listed.proxy !== undefined) download.proxy = listed.proxy;
    const own = listed.stream || stream ? { ...stream, ...listed.stream } : undefined;
    if (own) download.stream = own;
    return download;
  });
  return [...fromArguments, ...fromList];
}

/** What it is called in messages: its list line, else its URL. */
export function labelOf(download: GetDownload): string {
  return download.source ? `${download.source} (${download.url})` : download.url;
}
