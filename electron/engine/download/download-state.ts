// What one download attempt knows about its transfer, read from the record at the start and
// written back through checkpoints. Kept apart so the record's shape is mapped in one place.
import type { DownloadDetails } from '../../../shared/transfer';
import { originOf, sameOrigin, type HeaderOrigin } from '../origin-headers';
import type { ByteSegment, CheckpointPatch, DownloadResumeData, ResumeData, TransferFacts, TransferRecord } from '../types';
import type { PartIdentity } from './part-identity';

export interface DownloadFacts {
  finalUrl?: string;
  /** See DownloadResumeData.finalUrlKeepsHeaders. */
  finalUrlKeepsHeaders?: boolean;
  etag?: string;
  lastModified?: string;
  totalBytes: number | null;
  partPath?: string;
  /** Inode, device and birth time of the .part (see DownloadResumeData.partInode, partDev). */
  partInode?: number;
  partDev?: number;
  partBirthtimeMs?: number;
  /** Bytes of the .part that are fsync'd (the one segment's `done`). */
  done: number;
  /** Set while a segmented download has more than one range: they replace `done`. */
  segments?: ByteSegment[];
  /** Connections of a segmented download at its last checkpoint. */
  connections?: number;
}

export function factsFromRecord(record: Readonly<TransferRecord>): DownloadFacts {
  const resume = record.resume as Partial<DownloadResumeData>;
  return {
    finalUrl: resume.finalUrl,
    finalUrlKeepsHeaders: resume.finalUrlKeepsHeaders,
    etag: resume.etag,
    lastModified: resume.lastModified,
    totalBytes: resume.totalBytes ?? null,
    partPath: resume.partPath,
    partInode: resume.partInode,
    partDev: resume.partDev,
    partBirthtimeMs: resume.partBirthtimeMs,
    done: resume.segments?.[0]?.done ?? 0,
    ...(resume.segments && resume.segments.length > 1 ? { segments: resume.segments.map((s) => ({ ...s })) } : {}),
  };
}

/** The .part's recorded identity, if any (from the facts or the resume data, which name it alike). */
export function partIdentityOf(facts: Pick<DownloadFacts, 'partInode' | 'partDev' | 'partBirthtimeMs'>): PartIdentity | undefined {
  if (facts.partInode === undefined) return undefined;
  return { ino: facts.partInode, dev: facts.partDev, birthtimeMs: facts.partBirthtimeMs };
}

/** Ferry's own .part, as it was just created or opened: its identity goes into the next checkpoint. */
export function adoptPart(facts: DownloadFacts, partPath: string, identity: PartIdentity): void {
  facts.partPath = partPath;
  facts.partInode = identity.ino;
  facts.partDev = identity.dev;
  facts.partBirthtimeMs = identity.birthtimeMs;
}

/** No .part any more (gone, or not Ferry's): the next response starts a fresh one from byte 0. */
export function forgetPart(facts: DownloadFacts): void {
  facts.partPath = undefined;
  facts.partInode = undefined;
  facts.partDev = undefined;
  facts.partBirthtimeMs = undefined;
  facts.done = 0;
  facts.segments = undefined;
  facts.connections = undefined;
}

export function detailsFromRecord(record: Readonly<TransferRecord>): DownloadDetails {
  if (record.transfer.download) return record.transfer.download;
  const request = record.request.kind === 'download' ? record.request.download : undefined;
  return {
    directory: request?.directory ?? '.',
    fileName: '',
    resumable: true,
    ...(request?.fileName ? { requestedName: request.fileName } : {}),
    ...(request?.sha256 ? { sha256: request.sha256 } : {}),
  };
}

/** The checkpoint patch for the current facts: resume data plus what a view of the transfer shows. */
export function checkpointPatch(
  url: string,
  facts: DownloadFacts,
  details: DownloadDetails,
): CheckpointPatch & { resume: Partial<ResumeData>; transfer: Partial<TransferFacts> } {
  const resume: Partial<DownloadResumeData> = {
    url,
    finalUrl: facts.finalUrl,
    finalUrlKeepsHeaders: facts.finalUrlKeepsHeaders,
    etag: facts.etag,
    lastModified: facts.lastModified,
    totalBytes: facts.totalBytes,
    segments: facts.segments ?? [{ start: 0, end: facts.totalBytes, done: facts.done }],
    partPath: facts.partPath,
    partInode: facts.partInode,
    partDev: facts.partDev,
    partBirthtimeMs: facts.partBirthtimeMs,
  };
  const segmented = facts.segments && facts.totalBytes !== null;
  const transfer: Partial<TransferFacts> = {
    download: {
      ...details,
      connections: segmented ? facts.connections : undefined,
      segments: segmented ? facts.segments!.map((s) => ({ start: s.start, end: s.end ?? facts.totalBytes!, done: s.done })) : undefined,
    },
    validators: { etag: facts.etag, lastModified: facts.lastModified },
    ...(details.fileName ? { name: details.fileName } : {}),
    ...(facts.finalUrl && facts.finalUrl !== url ? { finalUrl: facts.finalUrl } : {}),
  };
  return { resume, transfer };
}

/**
 * The origin the user's headers were given for, as it stands for requests sent straight to
 * `facts.finalUrl`: null when the redirects that led there left it (a record of an older version,
 * which did not note it, is judged by the two URLs).
 */
export function headersOriginAtFinalUrl(facts: DownloadFacts, url: string): HeaderOrigin {
  if (facts.finalUrl === undefined) return originOf(url);
  const kept = facts.finalUrlKeepsHeaders ?? sameOrigin(facts.finalUrl, url);
  return kept ? originOf(url) : null;
}
