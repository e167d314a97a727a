// Waiting for transfers to end, for callers that run a batch to its end (the CLI's get and put,
// tests). Its own home because it only follows the engine's events and never changes a transfer.
import type { TransferView } from '../../shared/transfer';
import { isFinished } from '../../shared/transfer';
import { transferView } from './transfer-view';
import type { TransferRecord } from './types';

export interface FinishEvents {
  on(event: 'changed' | 'removed', listener: () => void): unknown;
  off(event: 'changed' | 'removed', listener: () => void): unknown;
}

/**
 * Resolves once every listed transfer is completed, failed, canceled or removed, with the last
 * view of each that is still listed. `recordOf` gives the live record (its view is derived when kept).
 */
export function waitUntilFinished(
  events: FinishEvents,
  recordOf: (id: string) => Readonly<TransferRecord> | undefined,
  ids: readonly string[],
): Promise<TransferView[]> {
  return new Promise((resolve) => {
    const last = new Map<string, TransferView>();
    const check = () => {
      for (const id of ids) {
        const record = recordOf(id);
        if (record && !isFinished(record.transfer.state)) return;
        if (record) last.set(id, transferView(record));
      }
      events.off('changed', check);
      events.off('removed', check);
      resolve(ids.flatMap((id) => last.get(id) ?? []));
    };
    events.on('changed', check);
    events.on('removed', check);
    check();
  });
}
