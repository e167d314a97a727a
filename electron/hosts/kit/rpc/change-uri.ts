// aria2.changeUri(gid, fileIndex, delUris, addUris[, position]) over Ferry's download addresses,
// with aria2's semantics as its RpcMethodImpl.cc has them (checked against `aria2c --enable-rpc`):
// one occurrence of each URI in delUris is removed, then addUris go in at position (counted after
// the removal; absent: at the end); the answer is [deleted, added]. Only a download aria2 would
// still find (active, waiting or paused) can be changed; one that stopped is "not found", as in
// aria2. Ferry downloads http and https only: another URI is not added (and not counted).
import type { TransferView } from '../../../../shared/transfer';
import { changeUris } from '../../../engine/index';
import type { RpcEngine } from './backend';
import { isStopped } from './download-index';
import { intParam, RpcError } from './rpc-error';

export async function changeUri(engine: RpcEngine, view: TransferView, params: unknown[]): Promise<[number, number]> {
  const [, fileIndex, delUris, addUris, position] = params;
  const index = intParam(fileIndex, 'fileIndex');
  if (index < 1) throw new RpcError('The integer parameter at 1 has invalid value: the value must be greater than or equal to 1.');
  const remove = uriList(delUris, 'delUris');
  const add = uriList(addUris, 'addUris');
  const at = position === undefined ? undefined : intParam(position, 'position');
  if (at !== undefined && at < 0) throw new RpcError('Position must be greater than or equal to 0.');
  if (isStopped(view)) throw new RpcError(`GID ${String(params[0])} is not found`);
  if (index !== 1) throw new RpcError('fileIndex is out of range');
  const result = changeUris(engine.downloadUrls(view.id), remove, add, at);
  // A download left without any URI keeps its last one: Ferry needs an address to resume from.
  if (result.urls.length > 0) await engine.setDownloadUrls(view.id, result.urls);
  return [result.deleted, result.added];
}

function uriList(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new RpcError(`${name} must be an array`);
  return value.filter((u): u is string => typeof u === 'string');
}
