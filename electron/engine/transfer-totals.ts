// What the tray, taskbar and badge show, computed from the active transfers only (the engine
// keeps them indexed), so its cost follows what is running, not how many transfers are listed.
import type { TransferRecord } from './types';

export interface TransferTotals {
  active: number;
  /** Over active transfers of known size. */
  bytesDone: number;
  totalBytes: number;
  bytesPerSecond: number;
}

export function transferTotals(active: Iterable<TransferRecord>): TransferTotals {
  const totals: TransferTotals = { active: 0, bytesDone: 0, totalBytes: 0, bytesPerSecond: 0 };
  for (const { transfer: view } of active) {
    totals.active += 1;
    totals.bytesPerSecond += view.progress.speed;
    const total = view.progress.totalBytes;
    if (total !== null && total > 0) {
      totals.bytesDone += Math.min(view.progress.bytesDone, total);
      totals.totalBytes += total;
    }
  }
  return totals;
}
