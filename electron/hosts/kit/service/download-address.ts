// "Update address…" and "Add mirror…" from a window or the headless UI: a download's new address
// (its link expired: the download goes on from the new one, keeping its bytes when the new link
// serves the same file) or one more URL of the same file. The engine keeps each URL's facts and
// compares a new one with the bytes on disk; this only decides what the user's click means.
import type { TransferView } from '../../../../shared/transfer';
import type { TransferEngine } from '../../../engine/index';

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
