// Speed limits as people type them: `500K`, `2M`, `1.5MB/s`, `800KiB/s`, `65536`.
// K/M/G are binary (1024-based) like curl's --limit-rate, whether written K, KB or KiB.

const UNIT_FACTORS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

const RATE_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmg]?)(?:i?b)?(?:\/s)?$/i;

/** Bytes per second, or null when the text is not a positive rate. */
export function parseRate(text: string): number | null {
  const match = RATE_PATTERN.exec(text.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const factor = UNIT_FACTORS[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return null;
  const bytesPerSecond = Math.round(value * factor);
  return Number.isFinite(bytesPerSecond) && bytesPerSecond >= 1 ? bytesPerSecond : null;
}
