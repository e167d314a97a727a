import { expect, it } from 'vitest';
import { SECRET_MASK } from '../../../../shared/secret-mask';
import type { TransferView } from '../../../../shared/transfer';
import { findStaleUploads, findUnfinishedDownload, findUnfinishedTusUpload } from './continue-match';

const base = { name: 'a', createdAt: 0, attempt: 1, log: [], progress: { bytesDone: 0, totalBytes: null, speed: 0, etaSeconds: null } };

function download(id: string, state: TransferView['state'], patch: { url?: string; directory?: string; requestedName?: string; done?: number } = {}): TransferView {
  const download: NonNullable<TransferView['download']> = { directory: patch.directory ?? '/dl', fileName: 'a', resumable: true };
  if (patch.requestedName) download.requestedName = patch.requestedName;
  return { ...base, id, kind: 'download', state, url: patch.url ?? 'http://h/a', download, progress: { ...base.progress, bytesDone: patch.done ?? 0 } };
}

function upload(id: string, state: TransferView['state'], protocol: 'raw' | 'tus', sourcePath = '/src/a'): TransferView {
  return { ...base, id, kind: 'upload', state, url: 'http://h/files/', upload: { sourcePath, protocol, method: 'POST', restartsOnResume: protocol !== 'tus' } };
}

it('finds the unfinished download of the same URL, folder and name; never a completed one', () => {
  const views = [
    download('done', 'completed'),
    download('other-url', 'paused', { url: 'http://h/b' }),
    download('other-dir', 'paused', { directory: '/elsewhere' }),
    download('named', 'paused', { requestedName: 'x.bin' }),
    download('small', 'failed', { done: 10 }),
    download('big', 'paused', { done: 500 }),
  ];
  expect(findUnfinishedDownload(views, { url: 'http://h/a', directory: '/dl' }, new Set())?.id).toBe('big');
  expect(findUnfinishedDownload(views, { url: 'http://h/a', directory: '/dl' }, new Set(['big']))?.id).toBe('small');
  expect(findUnfinishedDownload(views, { url: 'http://h/a', directory: '/dl', fileName: 'x.bin' }, new Set())?.id).toBe('named');
  expect(findUnfinishedDownload(views, { url: 'http://h/c', directory: '/dl' }, new Set())).toBeUndefined();
});

it('continues tus uploads of the same source and endpoint; raw ones are stale', () => {
  const views = [upload('tus', 'paused', 'tus'), upload('raw', 'failed', 'raw'), upload('tus-done', 'completed', 'tus'), upload('tus-other', 'paused', 'tus', '/src/b')];
  expect(findUnfinishedTusUpload(views, { sourcePath: '/src/a', url: 'http://h/files/' }, new Set())?.id).toBe('tus');
  expect(findStaleUploads(views, { sourcePath: '/src/a', url: 'http://h/files/' }).map((v) => v.id)).toEqual(['raw']);
});

it('finds an earlier run of a URL with a password, which views show masked', () => {
  const masked = `http://me:${SECRET_MASK}@h/a`;
  const views = [download('get', 'paused', { url: masked, done: 5 }), { ...upload('put', 'paused', 'tus'), url: `http://me:${SECRET_MASK}@h/files/` }];
  expect(findUnfinishedDownload(views, { url: 'http://me:pw@h/a', directory: '/dl' }, new Set())?.id).toBe('get');
  expect(findUnfinishedTusUpload(views, { sourcePath: '/src/a', url: 'http://me:pw@h/files/' }, new Set())?.id).toBe('put');
  expect(findUnfinishedDownload(views, { url: 'http://you:pw@h/a', directory: '/dl' }, new Set())).toBeUndefined();
});
