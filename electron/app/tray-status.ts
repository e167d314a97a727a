// The aggregate the tray tooltip, taskbar progress bar and badge show: "2 active · 45% · 2.96 MiB/s".
import { formatSpeed } from '../../shared/format-size';
import type { TransferView } from '../../shared/transfer';

export interface Aggregate {
  active: number;
  /** 0..1 over active transfers of known size; null when none has a known size. */
  fraction: number | null;
  bytesPerSecond: number;
}

export function aggregate(views: Iterable<TransferView>): Aggregate {
  let active = 0;
  let done = 0;
  let total = 0;
  let speed = 0;
  for (const view of views) {
    if (view.state !== 'active') continue;
    active++;
    speed += view.progress.speed;
    if (view.progress.totalBytes !== null && view.progress.totalBytes > 0) {
      done += Math.min(view.progress.bytesDone, view.progress.totalBytes);
      total += view.progress.totalBytes;
    }
  }
  return { active, fraction: total > 0 ? done / total : null, bytesPerSecond: speed };
}

/** The same aggregate from the engine's running totals (kept over active transfers only). */
export function aggregateFromTotals(totals: { active: number; bytesDone: number; totalBytes: number; bytesPerSecond: number }): Aggregate {
  return {
    active: totals.active,
    fraction: totals.totalBytes > 0 ? totals.bytesDone / totals.totalBytes : null,
    bytesPerSecond: totals.bytesPerSecond,
  };
}

export function formatRate(bytesPerSecond: number): string {
  return formatSpeed(bytesPerSecond);
}

export function trayTooltip(agg: Aggregate): string {
  if (agg.active === 0) return 'Ferry · idle';
  const parts = [`${agg.active} active`];
  if (agg.fraction !== null) parts.push(`${Math.floor(agg.fraction * 100)}%`);
  parts.push(formatRate(agg.bytesPerSecond));
  return parts.join(' · ');
}

/** BrowserWindow.setProgressBar value: -1 removes it, 2 is indeterminate. */
export function progressBarValue(agg: Aggregate): number {
  if (agg.active === 0) return -1;
  return agg.fraction ?? 2;
}
