// "Update address…" and "Add mirror…" from a window or the headless UI: a download's new address
// (its link expired: the download goes on from the new one, keeping its bytes when the new link
// serves the same file) or one more URL of the same file. The engine keeps each URL's facts and
// compares a new one with the bytes on disk; this only decides what the user's click means.
import type { TransferView } from '../../../../shared/transfer';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import { changeUris, type TransferEngine } from '../../../engine/index';

type AddressEngine = Pick<TransferEngine, 'downloadUrls' | 'setDownloadUrls' | 'retry' | 'resume'>;

/** Said to the user as it is. */
export class AddressRefused extends Error {}

export async function changeDownloadAddress(engine: AddressEngine, view: TransferView, url: string, as: 'address' | 'mirror'): Promise<void> {
  if (view.kind !== 'download') throw new AddressRefused('Only a download has an address to change');
  if (!/^https?:\/\//i.test(url)) throw new AddressRefused('Give an http or https address');
  const urls = engine.downloadUrls(view.id);
  if (as === 'mirror') {
    if (view.state === 'completed') throw new AddressRefused('This download is complete');
    if (urls.includes(url)) throw new AddressRefused('This download already has that address');
    await engine.setDownloadUrls(view.id, [...urls, url]);
    return;
  }
  if (view.state !== 'paused' && view.state !== 'failed' && view.state !== 'canceled') {
    throw new AddressRefused('Pause the download first: its address changes while it is paused or after it failed');
  }
  await engine.setDownloadUrls(view.id, [url, ...urls.slice(1).filter((u) => u !== url)]);
  // The user gave the new address to go on: the download continues from it.
  if (view.state === 'paused') await engine.resume(view.id);
  else await engine.retry(view.id);
}

/**
 * aria2's changeUri over a download's URLs: each URL in `remove` takes out one occurrence (named as
 * views show it, password masked, or in full), then `add` goes in at `position`. A download left
 * with no URL keeps its last one: Ferry needs an address to resume from.
 */
export async function changeDownloadUrls(
  engine: AddressEngine,
  view: TransferView,
  remove: readonly string[],
  add: readonly string[],
  position?: number,
): Promise<{ deleted: number; added: number }> {
  if (view.kind !== 'download') throw new AddressRefused('Only a download has an address to change');
  const current = engine.downloadUrls(view.id);
  const stored = remove.map((url) => current.find((u) => u === url) ?? current.find((u) => maskUrlPasswords(u) === url) ?? url);
  const result = changeUris(current, stored, add, position);
  if (result.urls.length > 0) await engine.setDownloadUrls(view.id, result.urls);
  return { deleted: result.deleted, added: result.added };
}
