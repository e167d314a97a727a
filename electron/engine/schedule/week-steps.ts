// When the steps of a weekly timetable happen, in the machine's local time. A step "Mon-08:00"
// happens at the first instant a local clock shows Monday 08:00 or later: on the day clocks go
// forward past 02:30, a 02:30 step happens at the jump (03:00); on the day they go back, a 01:30
// step happens once, at the first 01:30, and the repeated hour does not undo it. The limit in force
// at t is the value of the latest step at or before t (wrapping round the week, as rclone's
// LimitAt), so a machine that slept through steps simply finds the latest one when it wakes.
import type { WeekSlot } from '../../../shared/schedule/bwlimit';

const HOUR_MS = 3_600_000;

/** The instant local time on this calendar date first reaches `minute` past midnight. */
export function localStepInstant(year: number, month: number, date: number, minute: number): number {
  const [h, m] = [Math.floor(minute / 60), minute % 60];
  const candidate = new Date(year, month, date, h, m);
  const at = candidate.getTime();
  if (candidate.getHours() === h && candidate.getMinutes() === m) return at; // exists (the first of two, if repeated)
  // Skipped by a jump forward: Date moved it past the jump; the step happens at the jump itself,
  // the first instant with the new UTC offset.
  const offset = candidate.getTimezoneOffset();
  let [before, after] = [at - 3 * HOUR_MS, at];
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (new Date(mid).getTimezoneOffset() === offset) after = mid;
    else before = mid;
  }
  return after;
}

/** The calendar day `shift` days from the one t falls on (local), as [year, month, date, weekday]. */
function localDay(t: number, shift: number): [number, number, number, number] {
  const base = new Date(t);
  const day = new Date(base.getFullYear(), base.getMonth(), base.getDate() + shift, 12);
  return [day.getFullYear(), day.getMonth(), day.getDate(), day.getDay()];
}

export interface StepInForce<T> {
  slot: WeekSlot<T>;
  /** When that step happened. */
  at: number;
}

/** The step in force at t: the latest at or before it; on the same minute the one listed last wins (as rclone). */
export function stepInForce<T>(slots: readonly WeekSlot<T>[], t: number): StepInForce<T> | undefined {
  if (slots.length === 0) return undefined;
  for (let shift = 0; shift >= -7; shift--) {
    const [year, month, date, weekday] = localDay(t, shift);
    let best: StepInForce<T> | undefined;
    for (const slot of slots) {
      if (slot.day !== weekday) continue;
      const at = localStepInstant(year, month, date, slot.minute);
      if (at <= t && (!best || at >= best.at)) best = { slot, at };
    }
    if (best) return best;
  }
  return undefined; // unreachable with a slot on some weekday: eight days back covers every weekday
}

/** The next step after t (undefined for an empty timetable). */
export function nextStepAfter<T>(slots: readonly WeekSlot<T>[], t: number): StepInForce<T> | undefined {
  let best: StepInForce<T> | undefined;
  for (let shift = 0; shift <= 7 && !best; shift++) {
    const [year, month, date, weekday] = localDay(t, shift);
    for (const slot of slots) {
      if (slot.day !== weekday) continue;
      const at = localStepInstant(year, month, date, slot.minute);
      if (at > t && (!best || at < best.at)) best = { slot, at };
    }
  }
  return best;
}
