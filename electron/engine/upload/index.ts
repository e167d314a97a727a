// The upload half of the engine, for hosts (CLI, Electron, headless) and the engine's wiring.
export { createUploadWorker, DEFAULT_RESPONSE_TIMEOUT_MS, type UploadWorkerOptions } from './upload-worker';
export { uploadRequestFromDestination, type DestinationHeader } from './destination';
export { checkSource, stagingSpaceError, STAGING_MARGIN_BYTES } from './staging';
export { expandUploadUrl } from './request-target';
export { DEFAULT_TUS_CHUNK_SIZE } from './upload-job';
