// The names of the contract's requests and events, once. shared/contract.ts keys its table by
// them (the compiler refuses a table with a name missing or extra); the IPC channels, the preload
// and the renderer's WebSocket client derive theirs from here. No zod, so the sandboxed preload
// and the renderer can import it without pulling the schemas in.

export const REQUEST_NAMES = [
  'snapshot',
  'addDownloads',
  'describeStream',
  'addUploads',
  'addUploadsTo',
  'pause',
  'resume',
  'cancel',
  'retry',
  'remove',
  'pauseAll',
  'resumeAll',
  'reorder',
  'setTransferSpeedLimit',
  'setTransferProxy',
  'changeDownloadUrls',
  'setDownloadAddress',
  'setTransferPriority',
  'getSettings',
  'setSettings',
  'listDestinations',
  'createDestination',
  'updateDestination',
  'deleteDestination',
  'openFile',
  'chooseUploadFiles',
  'chooseDownloadFolder',
  'showInFolder',
  'rpcInfo',
  'copyRpcSecret',
  'importLinks',
  'exportList',
  'runQueueNow',
  'cancelQueueAction',
  'answerContinueOffer',
] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];

export const EVENT_NAMES = ['snapshot', 'patches', 'notice', 'settings', 'destinations', 'offerUpload', 'offerDownload', 'schedule', 'continueOffers'] as const;
export type EventName = (typeof EVENT_NAMES)[number];
