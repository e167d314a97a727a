// A handoff's progress as the popup shows it, from aria2's tellStatus answer (numbers as strings).
// Pure, so every state's wording is tested without Ferry.
import { formatBytes } from './format';

export interface Aria2Status {
  gid?: string;
  status?: string;
  totalLength?: string;
  completedLength?: string;
  downloadSpeed?: string;
  errorMessage?: string;
  files?: { path?: string }[];
}

export interface ProgressLine {
  /** 0-100, or undefined when the size is unknown. */
  percent?: number;
  text: string;
  tone: 'active' | 'done' | 'failed' | 'idle';
  /** The saved file's name, once Ferry knows it. */
  fileName?: string;
}

export function progressLine(status: Aria2Status | undefined): ProgressLine {
  if (!status) return { text: 'No longer in Ferry', tone: 'idle' };
  const total = Number(status.totalLength ?? 0);
  const done = Number(status.completedLength ?? 0);
  const speed = Number(status.downloadSpeed ?? 0);
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
  const path = status.files?.[0]?.path ?? '';
  const fileName = path ? path.split(/[\\/]/).pop() : undefined;
  const base = { ...(percent !== undefined ? { percent } : {}), ...(fileName ? { fileName } : {}) };
  const amount = total > 0 ? `${formatBytes(done)} of ${formatBytes(total)}` : formatBytes(done);
  switch (status.status) {
    case 'active':
      return { ...base, text: `${percent !== undefined ? `${percent}% · ` : ''}${amount}${speed > 0 ? ` · ${formatBytes(speed)}/s` : ''}`, tone: 'active' };
    case 'waiting':
      return { ...base, text: `Waiting in Ferry's queue${done > 0 ? ` · ${amount}` : ''}`, tone: 'idle' };
    case 'paused':
      return { ...base, text: `Paused · ${amount}`, tone: 'idle' };
    case 'complete':
      return { ...base, percent: 100, text: `Done · ${formatBytes(total > 0 ? total : done)}`, tone: 'done' };
    case 'error':
      return { ...base, text: `Failed: ${status.errorMessage || 'Ferry gave no reason'}`, tone: 'failed' };
    case 'removed':
      return { ...base, text: 'Canceled in Ferry', tone: 'idle' };
    default:
      return { ...base, text: status.status ?? 'unknown', tone: 'idle' };
  }
}
