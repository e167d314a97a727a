// One row per fault or input the hostile suite tried, and the one table it prints and files in docs/.
import { cpus, hostname, release, totalmem } from 'node:os';

export interface HostileRow {
  /** The fault or input, in words. */
  name: string;
  /** Times it was tried (kills, requests, payloads...). */
  tried: number;
  /** Transfers that ended as they must (byte-identical, or a clear failure that kept every byte). */
  survived: number;
  /** Transfers in the row. */
  transfers: number;
  /** Bytes of the original the outcome lost or got wrong (target 0). */
  bytesLost: number;
  /** Bytes the server sent (or received) as a ratio of the file; null where not a transfer of one file. */
  resent: number | null;
  /** Upper bound for `resent`, where a target applies. */
  resentTarget?: number;
  /** Set when the row could not run here; printed, counted as neither passed nor failed. */
  skipped?: string;
  /** What went wrong, or a short remark. */
  note?: string;
}

export function rowPassed(row: HostileRow): boolean {
  if (row.skipped) return true;
  const resentOk = row.resent === null || row.resentTarget === undefined || row.resent <= row.resentTarget;
  return row.bytesLost === 0 && row.survived === row.transfers && resentOk;
}

export function formatTable(rows: readonly HostileRow[]): string {
  const header = ['fault / input', 'tried', 'survived', 'bytes lost', 're-sent', 'result'];
  const body = rows.map((r) => [
    r.name,
    String(r.tried),
    r.skipped ? '-' : `${r.survived}/${r.transfers}`,
    r.skipped ? '-' : String(r.bytesLost),
    r.resent === null ? '-' : `${r.resent.toFixed(2)}x${r.resentTarget !== undefined ? ` (≤${r.resentTarget}x)` : ''}`,
    r.skipped ? `SKIPPED: ${r.skipped}` : `${rowPassed(r) ? 'ok' : 'FAILED'}${r.note ? `: ${r.note}` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Where and when the table was measured, for the copy in docs/. */
export function machineLine(scale: number, seed: number): string {
  const cpu = cpus();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return `${date} on ${hostname()} (Linux ${release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB), Node ${process.version}, FERRY_HOSTILE_SCALE=${scale}, seed ${seed}`;
}
