// Which URL each uploaded file goes to: '{filename}' in the URL is replaced by the file's
// name, and a raw upload to a URL ending in '/' lands under the file's name in that folder: the
// same rule as a saved destination's uploads (shared/upload-target.ts).
import path from 'node:path';
import type { PutCommand } from './args';
import { uploadTargetUrl } from '../../../shared/upload-target';

export type PutTargets = { ok: true; urls: string[] } | { ok: false; message: string };

export function putTargets(command: Pick<PutCommand, 'sources' | 'url' | 'protocol' | 'method'>): PutTargets {
  const urls = command.sources.map((source) => targetUrl(command.url, source, command.protocol));
  const rawPut = command.protocol === 'raw' && command.method === 'PUT';
  if (rawPut && new Set(urls).size < urls.length) {
    return {
      ok: false,
      message: 'several files would be PUT to the same URL; end the URL with / or use {filename} in it',
    };
  }
  return { ok: true, urls };
}

export function targetUrl(url: string, source: string, protocol: PutCommand['protocol']): string {
  return uploadTargetUrl(url, path.basename(source), protocol);
}
