// Numbers to text: medians, the results table, and one PASS/MISS line per target.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Each ferry run is paired with the curl run next to it (same machine load): median of ratios. */
export function pairedRatio(ferry: readonly { seconds: number }[], peer: readonly { seconds: number }[]): number {
  return median(ferry.map((m, i) => m.seconds / peer[i]!.seconds));
}

export function mib(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

export function rate(bytes: number, seconds: number): string {
  return `${(bytes / 1024 ** 2 / seconds).toFixed(0)} MiB/s`;
}

/** Left-aligned first column, right-aligned others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface Verdict {
  /** Issue 9's benchmark row (1-6); else read from a "(n) " at the start of `target`. */
  row?: number;
  target: string;
  measured: string;
  pass: boolean | null; // null: could not be measured
}

export function verdictLine(verdict: Verdict): string {
  const mark = verdict.pass === null ? 'MISS' : verdict.pass ? 'PASS' : 'MISS';
  return `${mark}  ${verdict.target}: ${verdict.measured}${verdict.pass === null ? ' (not measured)' : ''}`;
}

/** Median CPU seconds of a contender's runs, as text. */
export function cpu(runs: readonly { cpuSeconds: number | null }[]): string {
  const values = runs.flatMap((m) => (m.cpuSeconds === null ? [] : [m.cpuSeconds]));
  return values.length ? `${median(values).toFixed(2)} s CPU` : 'CPU n/a';
}
