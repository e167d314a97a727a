// IPC channel names, derived from the contract's names (shared/names.ts): one invoke channel per
// request, one channel for all events. No Electron import and no zod, so main and the sandboxed
// preload share it and the preload bundle stays small.
import type { RequestName } from '../../../../shared/names';

export const CALL_PREFIX = 'ferry:call:';
export const EVENT_CHANNEL = 'ferry:event';
/** Preload → main, outside the contract: a dropped file's path (from webUtils) exchanged for a handle. */
export const CHOOSE_DROPPED_FILE_CHANNEL = 'ferry:choose-dropped-file';

export function callChannel(name: RequestName): string {
  return CALL_PREFIX + name;
}
