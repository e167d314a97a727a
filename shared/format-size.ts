// Sizes and speeds as every front shows them (UI, CLI, the desktop app's dialogs and tray, engine
// messages): binary units with their IEC names, 1 KiB = 1024 B, 1 MiB = 1024 KiB. One convention,
// because users compare what the UI says with what the CLI and their file manager say, and "MB"
// for 1,048,576 bytes was off by 5 % from a decimal "MB". No Node or DOM imports.

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `0 B`, `1.50 KiB`, `50.0 MiB`, `734 MiB`, `5.00 GiB`: three significant digits above 1 KiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // 1023.6 KiB rounds to "1024 KiB" with toFixed(0): say 1.00 MiB instead.
  if (value >= 1023.5 && unit < UNITS.length - 1) return `1.00 ${UNITS[unit + 1]}`;
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A rate in MiB/s as a settings field holds it: `1`, `0.5`, `2.25`. */
export function toMiB(bytes: number): string {
  return String(Math.round((bytes / MIB) * 100) / 100);
}
