// "Export list…": downloads as aria2 input-file text (shared/input-file.ts writes it), so a list
// moves between Ferry and aria2 (`aria2c -i`, `ferry get -i`, "Import links…"). Written from the
// views every UI sees, so nothing secret can be in it: header values are never written (a comment
// names the headers left out), a link's or proxy's password is left out and said so.
import type { ExportListResult } from '../../../../shared/contract';
import { writeInputFile, type OutputEntry } from '../../../../shared/input-file';
import type { ProxyChoice } from '../../../../shared/proxy';
import { SECRET_MASK } from '../../../../shared/secret-mask';
import type { TransferView } from '../../../../shared/transfer';

/** The downloads among `views` as a list; `headerNamesOf` tells which request headers a download had (names only). */
export function exportList(views: readonly TransferView[], headerNamesOf: (id: string) => string[]): ExportListResult {
  const downloads = views.filter((view) => view.kind === 'download');
  const entries = downloads.map((view) => entryOf(view, headerNamesOf(view.id)));
  const header = [`Ferry: ${downloads.length} ${downloads.length === 1 ? 'download' : 'downloads'} in aria2's input-file format (aria2c -i, ferry get -i, Ferry's "Import links…").`];
  if (entries.some((entry) => entry.comments?.some((c) => c.startsWith('Headers left out')))) header.push('Request headers (cookies, sign-ins) are never exported; the downloads that had some say which.');
  const uploads = views.length - downloads.length;
  if (uploads > 0) header.push(`${uploads} ${uploads === 1 ? 'upload is' : 'uploads are'} not in the list (the format lists downloads only).`);
  return { text: writeInputFile(entries, header), count: downloads.length };
}

function entryOf(view: TransferView, headerNames: string[]): OutputEntry {
  const comments: string[] = [];
  let url = view.url;
  if (hasMaskedPassword(url)) {
    url = withoutPassword(url);
    comments.push("The link's password was left out.");
  }
  const options: Array<[string, string]> = [];
  const download = view.download;
  if (download?.directory) options.push(['dir', download.directory]);
  const name = download?.requestedName ?? download?.fileName;
  if (name && name.trim() === name && !/[\r\n]/.test(name)) options.push(['out', name]);
  if (download?.sha256) options.push(['checksum', `sha-256=${download.sha256}`]);
  if (view.speedLimit) options.push(['max-download-limit', String(view.speedLimit)]);
  options.push(...proxyOptions(view.proxy, comments));
  if (headerNames.length > 0) comments.push(`Headers left out: ${headerNames.join(', ')}.`);
  const writable = options.filter(([, value]) => value.trim() === value && !/[\r\n]/.test(value));
  return { uris: [url], options: writable, ...(comments.length > 0 ? { comments } : {}) };
}

/** aria2's proxy options for a transfer's own proxy; an address whose password is masked is left out (said in a comment). */
function proxyOptions(proxy: ProxyChoice | undefined, comments: string[]): Array<[string, string]> {
  if (!proxy || proxy.mode === 'system') return [];
  if (proxy.mode === 'none') return [['all-proxy', '']];
  const out: Array<[string, string]> = [];
  for (const [name, address] of [['all-proxy', proxy.all], ['http-proxy', proxy.http], ['https-proxy', proxy.https]] as const) {
    if (!address) continue;
    if (hasMaskedPassword(address)) {
      comments.push(`The ${name} has a password; left out.`);
      continue;
    }
    out.push([name, address]);
  }
  if (out.length > 0 && proxy.noProxy) out.push(['no-proxy', proxy.noProxy]);
  return out;
}

function hasMaskedPassword(url: string): boolean {
  return url.includes(`:${SECRET_MASK}@`) || url.includes(`:${encodeURIComponent(SECRET_MASK)}@`);
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.href;
  } catch {
    return url.replace(/:[^:@/]*@/, '@');
  }
}
