// Where a download comes from, changed after it was added: a new address for a link that expired
// ("Update address…", aria2.changeUri, `ferry get NEW_URL --out SAME_NAME`) or mirrors added and
// taken away. The record's request gets the new list; each URL kept keeps its facts (validators,
// final URL), and a URL new to the download starts unverified, so its bytes are compared with the
// ones on disk before any is continued from it (download/source-check.ts). The user's headers stay
// with the origin they were given for: a new address on another origin does not receive them.
import { originOf } from './origin-headers';
import { headersOriginOf, resumeOfSources, sourcesFrom, sourcesView, urlsOf } from './download/source-facts';
import type { DownloadResumeData, TransferFacts, TransferRecord } from './types';
import { TransferFailure } from './types';
import { assertHttpUrl } from './url-check';

export interface AddressChange {
  added: string[];
  removed: string[];
  /** The first URL (the one a single connection asks first) is another one now. */
  primaryChanged: boolean;
  /** What the transfer's view shows of it, to merge as a change of the record's facts. */
  facts: Partial<TransferFacts>;
}

/** The download's URLs as they are now, its own first. */
export function downloadUrls(record: Readonly<TransferRecord>): string[] {
  if (record.request.kind !== 'download') return [];
  return urlsOf(record.request.download);
}

/**
 * Gives the download the URLs `urls` (the first is its address, the others mirrors), in that
 * order, each once. Throws a readable TransferFailure for an empty list or a URL that is not http(s).
 */
export function setDownloadUrls(record: TransferRecord, urls: readonly string[]): AddressChange {
  if (record.request.kind !== 'download' || !record.transfer.download) {
    throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: 'Only a download has addresses to change', retryable: false });
  }
  const next = [...new Set(urls)];
  if (next.length === 0) throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: 'A download needs at least one address', retryable: false });
  for (const url of next) assertHttpUrl(url);
  const request = record.request.download;
  const before = urlsOf(request);
  const known = new Map(sourcesFrom(request, record.resume as Partial<DownloadResumeData>).map((s) => [s.url, s]));
  const sources = next.map((url) => known.get(url) ?? { url });
  const primaryChanged = next[0] !== request.url;
  if (primaryChanged) {
    // The headers were given for the first address's origin: they keep going there only.
    const givenFor = headersOriginOf(request);
    if (givenFor !== null && givenFor !== originOf(next[0]!)) request.headersOrigin = givenFor;
    else delete request.headersOrigin;
  }
  request.url = next[0]!;
  if (next.length > 1) request.mirrors = next.slice(1);
  else delete request.mirrors;
  const resume = record.resume as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(resumeOfSources(sources))) {
    if (value === undefined) delete resume[key];
    else resume[key] = value;
  }
  const facts: Partial<TransferFacts> = { url: next[0]!, download: { ...record.transfer.download, sources: sourcesView(sources) } };
  if (primaryChanged) facts.finalUrl = undefined;
  return { added: next.filter((u) => !before.includes(u)), removed: before.filter((u) => !next.includes(u)), primaryChanged, facts };
}

/**
 * aria2.changeUri on a URL list: first one occurrence of each of `remove` is taken out, then `add`
 * goes in at `position` (counted after the removal; absent: at the end). Returns the new list and
 * how many were deleted and added, as aria2 counts them (a URL that is not http(s) is not added).
 */
export function changeUris(
  urls: readonly string[],
  remove: readonly string[],
  add: readonly string[],
  position?: number,
): { urls: string[]; deleted: number; added: number } {
  const list = [...urls];
  let deleted = 0;
  for (const url of remove) {
    const at = list.indexOf(url);
    if (at < 0) continue;
    list.splice(at, 1);
    deleted++;
  }
  const valid = add.filter(isHttpUrl);
  let at = position === undefined ? list.length : Math.min(position, list.length);
  for (const url of valid) list.splice(at++, 0, url);
  return { urls: list, deleted, added: valid.length };
}

function isHttpUrl(url: string): boolean {
  try {
    assertHttpUrl(url);
    return true;
  } catch {
    return false;
  }
}
