// Building and updating transfer records: pure functions over plain data, so the engine
// class only decides *when* things happen.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TransferLogEntry, TransferView } from '../../shared/transfer';
import type { DownloadRequest, ResumeData, TransferRecord, UploadRequest } from './types';

const LOG_LIMIT = 50;

/** Random bytes drawn 9 at a time from a pool: one randomBytes call per id cost ~6 µs, 10,000 adds 65 ms. */
const ID_BYTES = 9;
const idPool = { bytes: Buffer.alloc(0), at: 0 };

export function newTransferId(): string {
  if (idPool.at + ID_BYTES > idPool.bytes.length) {
    idPool.bytes = randomBytes(ID_BYTES * 512);
    idPool.at = 0;
  }
  const id = idPool.bytes.toString('base64url', idPool.at, idPool.at + ID_BYTES);
  idPool.at += ID_BYTES;
  return id;
}

/** A provisional name from the URL; the worker replaces it with the server's once it answers. */
export function nameFromUrl(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : new URL(url).hostname;
  } catch {
    return 'download';
  }
}

function baseView(kind: TransferView['kind'], url: string, name: string, now: number): TransferView {
  return {
    id: newTransferId(),
    kind,
    state: 'queued',
    name,
    url,
    createdAt: now,
    progress: { bytesDone: 0, totalBytes: null, speed: 0, etaSeconds: null },
    attempt: 1,
    log: [],
  };
}

export function newDownloadRecord(req: DownloadRequest, order: number, now: number): TransferRecord {
  const directory = path.resolve(req.directory);
  const name = req.fileName ?? nameFromUrl(req.url);
  const view = baseView('download', req.url, name, now);
  if (req.paused) view.state = 'paused';
  view.speedLimit = req.speedLimit ?? null;
  if (req.proxy) view.proxy = req.proxy;
  view.download = {
    directory,
    fileName: name,
    ...(req.fileName ? { requestedName: req.fileName } : {}),
    ...(req.sha256 ? { sha256: req.sha256.toLowerCase() } : {}),
    resumable: true,
  };
  return {
    view,
    resume: freshResume('download', req.url),
    request: { kind: 'download', download: { ...req, directory } },
    order,
    attemptsWithoutProgress: 0,
  };
}

export function newUploadRecord(req: UploadRequest, order: number, now: number): TransferRecord {
  const sourcePath = path.resolve(req.sourcePath);
  const protocol = req.protocol ?? 'raw';
  const view = baseView('upload', req.url, path.basename(sourcePath), now);
  view.speedLimit = req.speedLimit ?? null;
  if (req.proxy) view.proxy = req.proxy;
  view.upload = {
    sourcePath,
    protocol,
    method: req.method ?? (protocol === 'multipart' ? 'POST' : 'PUT'),
    ...(req.destinationId ? { destinationId: req.destinationId } : {}),
    ...(req.fieldName ? { fieldName: req.fieldName } : {}),
    restartsOnResume: protocol !== 'tus',
  };
  return {
    view,
    resume: freshResume('upload', req.url),
    request: { kind: 'upload', upload: { ...req, sourcePath } },
    order,
    attemptsWithoutProgress: 0,
  };
}

export function freshResume(kind: TransferView['kind'], url: string): ResumeData {
  return kind === 'download'
    ? { kind: 'download', url, totalBytes: null, segments: [] }
    : { kind: 'upload', bytesConfirmed: 0 };
}

/** Bytes that are safely stored at the other end of the transfer: what counts as progress for retries. */
export function durableBytes(resume: ResumeData): number {
  return resume.kind === 'download'
    ? resume.segments.reduce((sum, segment) => sum + segment.done, 0)
    : resume.bytesConfirmed;
}

const NESTED_VIEW_KEYS = ['download', 'upload', 'validators'] as const;

/** Merge a worker's checkpoint: nested detail objects merge one level deep, the rest replaces. */
export function mergeCheckpoint(
  record: TransferRecord,
  patch: { resume?: Partial<ResumeData>; view?: Partial<TransferView> },
): void {
  if (patch.resume) Object.assign(record.resume, patch.resume);
  if (patch.view) {
    const { ...rest } = patch.view;
    for (const key of NESTED_VIEW_KEYS) {
      const value = rest[key];
      if (value && typeof value === 'object') {
        (record.view as unknown as Record<string, unknown>)[key] = { ...(record.view[key] ?? {}), ...value };
        delete rest[key];
      }
    }
    Object.assign(record.view, rest);
  }
}

export function appendLog(view: TransferView, entry: TransferLogEntry): void {
  view.log.push(entry);
  if (view.log.length > LOG_LIMIT) view.log.splice(0, view.log.length - LOG_LIMIT);
}

export function hostOf(record: TransferRecord): string {
  try {
    return new URL(record.view.url).host;
  } catch {
    return '';
  }
}
