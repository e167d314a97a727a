// What one download attempt knows about its transfer, read from the record at the start and
// written back through checkpoints. Kept apart so the record's shape is mapped in one place.
import type { DownloadDetails } from '../../../shared/transfer';
import type { ByteSegment, CheckpointPatch, DownloadRequest, DownloadResumeData, ResumeData, SourceFacts, TransferFacts, TransferRecord } from '../types';
import type { PartIdentity } from './part-identity';
import { currentSource, resumeOfSources, sourcesFrom, sourcesView } from './source-facts';

export interface DownloadFacts {
  /**
   * The URL and its mirrors, each with its final URL, validators, and whether its bytes agree with
   * the .part's (source-facts.ts); the first one not dropped is the one a single connection uses.
   */
  sources: SourceFacts[];
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
  const request = record.request.kind === 'download' ? record.request.download : { url: resume.url ?? record.transfer.url };
  return {
    sources: sourcesFrom(request, resume),
    totalBytes: resume.totalBytes ?? null,
    partPath: resume.partPath,
    partInode: resume.partInode,
    partDev: resume.partDev,
    partBirthtimeMs: resume.partBirthtimeMs,
    done: resume.segments?.[0]?.done ?? 0,
    ...(resume.segments && resume.segments.length > 1 ? { segments: resume.segments.map((s) => ({ ...s })) } : {}),
  };
}

/** The bytes of the .part that are on disk, as ranges [start, end): what a new URL's bytes are compared with. */
export function writtenRanges(facts: Pick<DownloadFacts, 'segments' | 'done'>): [number, number][] {
  if (facts.segments) return facts.segments.filter((s) => s.done > 0).map((s) => [s.start, s.start + s.done]);
  return facts.done > 0 ? [[0, facts.done]] : [];
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
  request: Pick<DownloadRequest, 'url'>,
  facts: DownloadFacts,
  details: DownloadDetails,
): CheckpointPatch & { resume: Partial<ResumeData>; transfer: Partial<TransferFacts> } {
  const primary = facts.sources[0];
  const shown = currentSource(facts.sources);
  const resume: Partial<DownloadResumeData> = {
    ...resumeOfSources(facts.sources),
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
      sources: sourcesView(facts.sources),
    },
    // The validators of the URL in use (a mirror's own when the URL was dropped).
    validators: { etag: shown?.etag, lastModified: shown?.lastModified },
    ...(details.fileName ? { name: details.fileName } : {}),
    ...(primary?.finalUrl && primary.finalUrl !== request.url ? { finalUrl: primary.finalUrl } : {}),
  };
  return { resume, transfer };
}
