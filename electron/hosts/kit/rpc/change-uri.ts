// aria2.changeUri(gid, fileIndex, delUris, addUris[, position]) with aria2's semantics as its
// RpcMethodImpl.cc has them (checked against `aria2c --enable-rpc`): one occurrence of each URI in
// delUris is removed, then addUris go in at position (counted after the removal; absent: at the
// end); the answer is [deleted, added]. Only a download aria2 would still find (active, waiting or
// paused) can be changed; one that stopped is "not found", as in aria2. The change itself is the
// service's (changeDownloadUrls): it holds the URLs unmasked and compares new ones with the bytes on disk.
import type { TransferView } from '../../../../shared/transfer';
import { isStopped } from './download-index';
import { intParam, RpcError } from './rpc-error';

type Call = <T>(name: 'changeDownloadUrls', input: unknown) => Promise<T>;

export async function changeUri(call: Call, view: TransferView, params: unknown[]): Promise<[number, number]> {
  const [, fileIndex, delUris, addUris, position] = params;
  const index = intParam(fileIndex, 'fileIndex');
  if (index < 1) throw new RpcError('The integer parameter at 1 has invalid value: the value must be greater than or equal to 1.');
  const remove = uriList(delUris, 'delUris');
  // Ferry downloads http and https only: another URI is not added (and not counted), as aria2 skips what it cannot use.
  const add = uriList(addUris, 'addUris').filter((uri) => /^https?:\/\//i.test(uri));
  const at = position === undefined ? undefined : intParam(position, 'position');
  if (at !== undefined && at < 0) throw new RpcError('Position must be greater than or equal to 0.');
  if (isStopped(view)) throw new RpcError(`GID ${String(params[0])} is not found`);
  if (index !== 1) throw new RpcError('fileIndex is out of range');
  const result = await call<{ deleted: number; added: number }>('changeDownloadUrls', { id: view.id, remove, add, ...(at !== undefined ? { position: at } : {}) });
  return [result.deleted, result.added];
}

function uriList(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new RpcError(`${name} must be an array`);
  return value.filter((u): u is string => typeof u === 'string');
}
