// IPC channel names, derived from the contract table: one invoke channel per request, one
// channel for all events. No Electron import, so main and the (sandboxed) preload share it.
import type { RequestName } from '../../../shared/contract';

export const CALL_PREFIX = 'ferry:call:';
export const EVENT_CHANNEL = 'ferry:event';

export function callChannel(name: RequestName): string {
  return CALL_PREFIX + name;
}
