// Human-readable numbers for progress lines. Sizes in binary units with IEC names (shared/format-size.ts,
// the UI's too), matching how --limit is parsed.
import { formatBytes, formatSpeed } from '../../../shared/format-size';
import type { TransferProgress } from '../../../shared/transfer';

export { formatBytes, formatSpeed } from '../../../shared/format-size';

/** `42s`, `3m05s`, `2h07m`; `--` when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(s / 3600);
  if (h >= 100) return '>99h';
  return `${h}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatPercent(done: number, total: number | null): string {
  if (total === null || total <= 0) return '  ?%';
  const percent = Math.min(100, Math.floor((done / total) * 100));
  return `${String(percent).padStart(3)}%`;
}

/** `name  45%  450 MiB / 1.00 GiB  112 MiB/s  ETA 5s`, cut to `width` columns. */
export function formatProgressLine(name: string, progress: TransferProgress, width: number, note = ''): string {
  const sizes =
    progress.totalBytes === null
      ? formatBytes(progress.bytesDone)
      : `${formatBytes(progress.bytesDone)} / ${formatBytes(progress.totalBytes)}`;
  const stats = `${formatPercent(progress.bytesDone, progress.totalBytes)}  ${sizes}  ${formatSpeed(progress.speed)}  ETA ${formatEta(progress.etaSeconds)}${note ? `  ${note}` : ''}`;
  const room = Math.max(8, width - stats.length - 2);
  return `${truncateMiddle(name, room).padEnd(Math.min(room, Math.max(name.length, 8)))}  ${stats}`.slice(0, Math.max(width, 20));
}

export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  const head = Math.ceil((max - 1) / 2);
  const tail = Math.floor((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}
