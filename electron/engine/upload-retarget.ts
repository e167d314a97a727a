// A retry of an upload goes where its destination points now: a user who fixed a destination's URL
// (or headers, or protocol) after a failure retries to the fixed one, not to what was copied into
// the transfer when it was added. The staged copy stays; a tus upload created at the old address
// is forgotten (it lives on the old server), and the log says where the retry sends the file.
import path from 'node:path';
import { maskUrlPasswords } from '../../shared/secret-mask';
import { uploadTargetUrl } from '../../shared/upload-target';
import type { TransferRecord, UploadRequest } from './types';

/** The parts of an upload's request that come from its destination. */
export type UploadTarget = Pick<UploadRequest, 'url' | 'method' | 'protocol' | 'headers' | 'fieldName' | 'fields'>;

export function retargetUpload(record: TransferRecord, target: UploadTarget): void {
  if (record.request.kind !== 'upload' || !record.transfer.upload) return;
  const before = record.request.upload;
  const protocol = target.protocol ?? 'raw';
  const next: UploadRequest = { ...before, url: target.url, protocol, headers: { ...(target.headers ?? {}) } };
  if (target.method) next.method = target.method;
  else delete next.method;
  if (protocol === 'multipart') {
    next.fieldName = target.fieldName ?? 'file';
    next.fields = { ...(target.fields ?? {}) };
  } else {
    delete next.fieldName;
    delete next.fields;
  }
  const moved = before.url !== next.url || (before.protocol ?? 'raw') !== protocol;
  record.request = { kind: 'upload', upload: next };
  record.transfer.url = next.url;
  const { fieldName: _old, ...details } = record.transfer.upload;
  record.transfer.upload = {
    ...details,
    protocol,
    method: next.method ?? (protocol === 'multipart' ? 'POST' : 'PUT'),
    ...(protocol === 'multipart' ? { fieldName: next.fieldName ?? 'file' } : {}),
    restartsOnResume: protocol !== 'tus',
  };
  if (moved && record.resume.kind === 'upload') record.resume = { kind: 'upload', bytesConfirmed: 0 };
}

/** "PUT http://host/dir/report.pdf": where an upload's next attempt sends its file, passwords masked. */
export function uploadTargetText(record: TransferRecord): string | undefined {
  if (record.request.kind !== 'upload' || !record.transfer.upload) return undefined;
  const details = record.transfer.upload;
  const fileName = path.basename(details.staged?.path ?? details.sourcePath);
  return `${details.method} ${maskUrlPasswords(uploadTargetUrl(record.request.upload.url, fileName, details.protocol))}`;
}
