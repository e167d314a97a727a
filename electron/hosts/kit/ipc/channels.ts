// IPC channel names, derived from the contract's names (shared/names.ts): one invoke channel per
// request, one channel for all events. No Electron import and no zod, so main and the sandboxed
// preload share it and the preload bundle stays small.
import type { RequestName } from '../../../../shared/names';

export const CALL_PREFIX = 'ferry:call:';
export const EVENT_CHANNEL = 'ferry:event';
/**
 * Preload → main, outside the contract: the paths of one drop's files (from webUtils), exchanged
 * for handles once the main process has asked the user about exactly those files (app/dropped-files.ts).
 */
export const CHOOSE_DROPPED_FILES_CHANNEL = 'ferry:choose-dropped-files';

export function callChannel(name: RequestName): string {
  return CALL_PREFIX + name;
}
