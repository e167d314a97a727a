// rclone's --bwlimit timetable, read the way rclone reads it (fs/bwtimetable.go), so a line copied
// from an rclone setup means the same here:
//   "08:00,2M 18:00,off Sat-00:00,off"   every day at 08:00 2 MiB/s, at 18:00 no limit; Saturdays from 00:00 none
//   "Mon-09:00,10M:1M"                    upload:download (rclone's order: Tx then Rx)
//   "512K"                                one limit all week
// Entries are separated by spaces or semicolons; a time without a day stands for that time on all
// seven days. A rate is a number of KiB/s, or a number with B, K, M, G, T or P (binary multiples,
// case ignored, decimals allowed); "off" (or 0) means no limit. No Node or DOM imports: the
// settings schema and the renderer's Schedule tab check a timetable with the same parser.

export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** One step of a weekly timetable: from `minute` of `day` (0 = Sunday) on, `value` holds. */
export interface WeekSlot<T> {
  day: number;
  /** Minutes after local midnight, 0..1439. */
  minute: number;
  value: T;
}

/** Bytes per second, null for no limit. */
export interface BandwidthPair {
  upload: number | null;
  download: number | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const MAX_RATE = 10 * 1024 ** 3;

/** "2M", "512", "1.5g", "off" → bytes per second (null: no limit). */
export function parseRate(text: string): Parsed<number | null> {
  const t = text.trim().toLowerCase();
  if (t === 'off') return { ok: true, value: null };
  const match = /^(\d+(?:\.\d+)?)([bkmgtp])?(?:i?b)?$/.exec(t);
  if (!match) return { ok: false, error: `"${text}" is not a rate: write a number of KiB/s, or one with K, M or G (2M), or off` };
  const bytes = Math.round(Number(match[1]) * UNITS[match[2] ?? 'k']!);
  if (bytes === 0) return { ok: true, value: null };
  if (bytes > MAX_RATE) return { ok: false, error: `"${text}" is more than 10 GiB/s` };
  return { ok: true, value: bytes };
}

/** "10M" (both ways) or "10M:1M" (upload:download, as rclone). */
export function parseRatePair(text: string): Parsed<BandwidthPair> {
  const [up, down, extra] = text.split(':');
  if (extra !== undefined) return { ok: false, error: `"${text}" has more than one colon: write upload:download, such as 10M:1M` };
  const upload = parseRate(up!);
  if (!upload.ok) return upload;
  if (down === undefined) return { ok: true, value: { upload: upload.value, download: upload.value } };
  const download = parseRate(down);
  if (!download.ok) return download;
  return { ok: true, value: { upload: upload.value, download: download.value } };
}

function parseDay(text: string): number | undefined {
  const t = text.toLowerCase();
  const index = DAY_NAMES.findIndex((d) => t === d.toLowerCase() || t === FULL_DAY_NAMES[DAY_NAMES.indexOf(d)]);
  return index < 0 ? undefined : index;
}
const FULL_DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** "08:00" → 480; undefined unless two digits, a colon, two digits, within a day. */
export function parseClockTime(text: string): number | undefined {
  const match = /^(\d\d):(\d\d)$/.exec(text);
  if (!match) return undefined;
  const [h, m] = [Number(match[1]), Number(match[2])];
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}

/**
 * The whole timetable, or what is wrong with it in words. A single rate without a time holds all
 * week (one slot, Sunday 00:00, which wraps round the week).
 */
export function parseBandwidthTimetable(text: string): Parsed<WeekSlot<BandwidthPair>[]> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'The timetable is empty' };
  if (!/[\s,;]/.test(trimmed)) {
    const pair = parseRatePair(trimmed);
    return pair.ok ? { ok: true, value: [{ day: 0, minute: 0, value: pair.value }] } : pair;
  }
  const slots: WeekSlot<BandwidthPair>[] = [];
  for (const entry of trimmed.split(/[\s;]+/)) {
    const parts = entry.split(',');
    if (parts.length !== 2) return { ok: false, error: `"${entry}" is not a step: write [Day-]HH:MM,rate, such as 08:00,2M or Sat-00:00,off` };
    const [when, rate] = parts as [string, string];
    const dash = when.indexOf('-');
    const dayText = dash < 0 ? undefined : when.slice(0, dash);
    const timeText = dash < 0 ? when : when.slice(dash + 1);
    const day = dayText === undefined ? undefined : parseDay(dayText);
    if (dayText !== undefined && day === undefined) return { ok: false, error: `"${dayText}" in "${entry}" is not a day: Mon, Tue, Wed, Thu, Fri, Sat or Sun` };
    const minute = parseClockTime(timeText);
    if (minute === undefined) return { ok: false, error: `"${timeText}" in "${entry}" is not a time: write HH:MM from 00:00 to 23:59` };
    const pair = parseRatePair(rate);
    if (!pair.ok) return { ok: false, error: `${pair.error} (in "${entry}")` };
    for (const d of day === undefined ? [0, 1, 2, 3, 4, 5, 6] : [day]) slots.push({ day: d, minute, value: pair.value });
  }
  return { ok: true, value: slots };
}
