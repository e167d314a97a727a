// Queue hours as timetable steps: the queue opens at `start` on each chosen day and closes at
// `stop` (the next day when stop is not after start, so 22:00-06:00 is a night). The same step
// rules as the bandwidth timetable then say whether it is open at any instant.
import { parseClockTime, type WeekSlot } from './bwlimit';

export interface QueueHours {
  enabled: boolean;
  /** HH:MM, local time. */
  start: string;
  stop: string;
  /** 0 = Sunday … 6 = Saturday: the days a window starts on. */
  days: number[];
}

export type QueueGate = 'open' | 'closed';

export function queueHourSlots(hours: QueueHours): WeekSlot<QueueGate>[] {
  const start = parseClockTime(hours.start);
  const stop = parseClockTime(hours.stop);
  if (!hours.enabled || start === undefined || stop === undefined) return [];
  const slots: WeekSlot<QueueGate>[] = [];
  for (const day of [...new Set(hours.days)].sort()) {
    slots.push({ day, minute: start, value: 'open' });
    slots.push({ day: stop > start ? day : (day + 1) % 7, minute: stop, value: 'closed' });
  }
  // Overlapping windows (Mon 22:00-06:00 and Tue 05:00-…): an open step must not be undone by the
  // close of the window before it at the same minute, so opens come last (the last listed wins).
  return slots.sort((a, b) => (a.value === b.value ? 0 : a.value === 'open' ? 1 : -1));
}
