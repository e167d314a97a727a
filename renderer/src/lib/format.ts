// Numbers and states as people read them.
import { formatBytes as formatSharedBytes, formatSpeed } from '../../../shared/format-size';
import type { TransferError, TransferState, TransferView } from '../../../shared/transfer';
import type { ContinueOffer } from '../../../shared/continue-offer';

/** Binary units with IEC names, as everywhere in Ferry (shared/format-size.ts); '—' when unknown. */
export function formatBytes(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : formatSharedBytes(n);
}

export { formatSpeed };

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s left`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m left`;
  return `${Math.floor(h / 24)} days left`;
}

export const STATE_LABEL: Record<TransferState, string> = {
  queued: 'Queued',
  active: 'Active',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
};

export function errorText(e: TransferError): string {
  const status = e.status !== undefined && !e.message.includes(String(e.status)) ? ` (HTTP ${e.status})` : '';
  return `${e.message}${status}`;
}

export function percent(v: TransferView): number | null {
  const { bytesDone, totalBytes } = v.progress;
  if (totalBytes === null || totalBytes <= 0) return v.state === 'completed' ? 100 : null;
  return Math.min(100, (bytesDone / totalBytes) * 100);
}

/** A wait as people say it: "40 s", "3 min", "2 h". */
export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** The status of a browser's handoff held while its continue offer waits for an answer. */
export function heldLine(offer: Pick<ContinueOffer, 'size'>): string {
  return `${formatBytes(offer.size)} from your browser · waiting for your choice above`;
}

/** The one-line status under a row's name. `now` moves a retry countdown. */
export function statusLine(v: TransferView, now = Date.now()): string {
  const { bytesDone, totalBytes, speed, etaSeconds } = v.progress;
  const size = totalBytes === null ? `${formatBytes(bytesDone)} of unknown size` : `${formatBytes(bytesDone)} of ${formatBytes(totalBytes)}`;
  switch (v.state) {
    case 'active': {
      const retrying = v.attempt > 1 ? ` · attempt ${v.attempt}` : '';
      return [size, formatSpeed(speed), formatEta(etaSeconds)].filter(Boolean).join(' · ') + retrying;
    }
    case 'completed':
      return formatBytes(totalBytes ?? bytesDone);
    case 'failed':
      return v.error ? errorText(v.error) : 'Failed';
    case 'queued':
      if (v.nextRetryAt) {
        // Waiting for its next attempt, without holding a slot: say when, and why.
        const reason = v.error ? ` · ${errorText(v.error)}` : '';
        return v.nextRetryAt > now ? `Retrying in ${formatWait(v.nextRetryAt - now)}${reason}` : `Retrying now${reason}`;
      }
      return totalBytes === null && bytesDone === 0 ? 'Waiting to start' : `Waiting · ${size}`;
    default:
      return size;
  }
}

/** URLs found in pasted or dropped text, http(s) only, without duplicates. */
export function extractUrls(text: string): string[] {
  const found = text.match(/\bhttps?:\/\/[^\s<>"'`]+/gi) ?? [];
  const cleaned = found.map((u) => u.replace(/[),.;:!?\]]+$/, ''));
  return [...new Set(cleaned)].filter((u) => {
    try {
      new URL(u);
      return true;
    } catch {
      return false;
    }
  });
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
