// IPC channel names, derived from the contract table: one invoke channel per request, one
// channel for all events. No Electron import and no zod, so main and the sandboxed preload
// share it and the preload bundle stays small. The compiler holds these lists equal to the
// contract's names (a request added there fails the build here until it is listed).
import type { EventName, RequestName } from '../../../shared/contract';

export const CALL_PREFIX = 'ferry:call:';
export const EVENT_CHANNEL = 'ferry:event';
/** Preload → main, outside the contract: a dropped file's path (from webUtils) exchanged for a handle. */
export const CHOOSE_DROPPED_FILE_CHANNEL = 'ferry:choose-dropped-file';

export const IPC_REQUEST_NAMES = [
  'snapshot', 'addDownloads', 'addUploads', 'addUploadsTo', 'pause', 'resume', 'cancel', 'retry', 'remove', 'pauseAll', 'resumeAll',
  'reorder', 'setTransferSpeedLimit', 'getSettings', 'setSettings', 'listDestinations', 'createDestination',
  'updateDestination', 'deleteDestination', 'openFile', 'showInFolder', 'chooseUploadFiles', 'chooseDownloadFolder', 'rpcInfo',
] as const satisfies readonly RequestName[];

export const IPC_EVENT_NAMES = ['snapshot', 'patches', 'notice', 'settings', 'destinations', 'offerUpload'] as const satisfies readonly EventName[];

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : { missing: Exclude<All, Listed> };
export const REQUESTS_LISTED: Exhaustive<RequestName, (typeof IPC_REQUEST_NAMES)[number]> = true;
export const EVENTS_LISTED: Exhaustive<EventName, (typeof IPC_EVENT_NAMES)[number]> = true;

export function callChannel(name: RequestName): string {
  return CALL_PREFIX + name;
}
