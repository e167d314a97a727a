// Who is calling the one service, and what each may ask. The caller is not part of a message: the
// front a call came in through knows it (the desktop window's IPC, the owner's local socket or the
// headless UI behind its token, the aria2 RPC) and passes it with every call, so one service serves
// every trust level and the rules below are the only place they differ.
//   window  the desktop app's renderer: names no path, only handles and folders its main process let the user pick
//   owner   the machine's user (headless UI token holder, local control socket, standalone CLI): may name paths, upload to URLs
//   client  browser extensions and aria2 RPC clients: downloads only, into the allowlisted folders, a few settings
import type { Events, RequestName } from '../../../../shared/contract';
import type { ProxyChoice } from '../../../../shared/proxy';
import { hasMaskedPassword } from '../../../../shared/secret-mask';
import type { Settings } from '../../../../shared/settings';
import { hasClearPassword, proxyAddresses } from '../../../engine/index';
import type { ServiceListener } from './ferry-service';
import type { TransferViews } from './transfer-views';

export type Caller = 'window' | 'owner' | 'client';

/**
 * The settings clients may change (aria2's changeGlobalOption; the proxy as all-proxy & co.). Which
 * folders and origins clients are allowed, and whether the RPC runs, are the user's to set in
 * Ferry's own UI, never a client's.
 */
export const RPC_SETTABLE = ['downloadDirectory', 'maxActive', 'downloadLimit', 'uploadLimit', 'maxRetries', 'proxy'] as const satisfies readonly (keyof Settings)[];

/** What a client may call: its downloads, and reading and changing the settings above. */
const CLIENT_REQUESTS: ReadonlySet<RequestName> = new Set<RequestName>([
  ...['snapshot', 'addDownloads', 'pause', 'resume', 'cancel', 'retry', 'remove', 'pauseAll', 'resumeAll'] as const,
  ...['reorder', 'setTransferSpeedLimit', 'setTransferProxy', 'changeDownloadUrls', 'getSettings', 'setSettings'] as const,
]);

/** The native dialogs answer only the window that asked. */
const WINDOW_ONLY: ReadonlySet<RequestName> = new Set<RequestName>(['chooseUploadFiles', 'chooseDownloadFolder']);

/** Why `caller` may not make this request at all; undefined when it may. */
export function requestRefusal(caller: Caller, name: RequestName): string | undefined {
  if (caller === 'client' && !CLIENT_REQUESTS.has(name)) return `${name} is not available to browser and RPC clients`;
  if (caller !== 'window' && WINDOW_ONLY.has(name)) return `${name} is only available to the desktop app's window`;
  if (caller === 'window' && name === 'addUploadsTo') return 'The desktop app uploads only files chosen in its dialog, dropped on its window or handed to it at launch';
  return undefined;
}

/** The settings keys a client's patch names that it may not change, in words; undefined when none. */
export function settingsRefusal(caller: Caller, keys: readonly string[]): string | undefined {
  if (caller !== 'client') return undefined;
  const refused = keys.filter((key) => !(RPC_SETTABLE as readonly string[]).includes(key));
  return refused.length > 0 ? `${refused.join(', ')} can only be changed in Ferry's own settings` : undefined;
}

/**
 * A client's proxy for one transfer names no password: it would have to be kept for a caller that
 * cannot be asked again. A masked one (the transfer's own, kept) is fine.
 */
export function transferProxyRefusal(caller: Caller, proxy: ProxyChoice | null | undefined): string | undefined {
  if (caller !== 'client' || !proxy) return undefined;
  const clear = proxyAddresses(proxy).some((address) => hasClearPassword(address) && !hasMaskedPassword(address));
  return clear ? 'A proxy password for one download is not kept over the RPC: give the proxy with its password in the settings (changeGlobalOption all-proxy), or one without a password here' : undefined;
}

/**
 * The events a client may see: its downloads' patches, notices and settings; no uploads,
 * destinations, offers (uploads, copied links, continuing a download with a handed-over link) or schedules.
 */
export function clientEvents(listener: ServiceListener, views: TransferViews): ServiceListener {
  return (event, payload) => {
    if (event === 'destinations' || event === 'offerUpload' || event === 'offerDownload' || event === 'schedule' || event === 'continueOffers') return;
    if (event !== 'patches') return listener(event, payload);
    const patches = (payload as Events['patches']).filter((patch) => ('view' in patch ? patch.view.kind === 'download' : views.get(patch.id)?.kind !== 'upload'));
    if (patches.length > 0) (listener as (event: 'patches', payload: Events['patches']) => void)('patches', patches);
  };
}
