// The timetable's clock math in a zone with daylight saving (Europe/Berlin: 2026-03-29 02:00 CET
// jumps to 03:00 CEST; 2026-10-25 03:00 CEST goes back to 02:00 CET), on a manual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBandwidthTimetable, type BandwidthPair, type WeekSlot } from '../../../shared/schedule/bwlimit';
import { queueHourSlots } from '../../../shared/schedule/queue-hours';
import { ManualClock, sleepThrough } from '../../../test-support/manual-clock';
import { StepTimer } from './step-timer';
import { nextStepAfter, stepInForce } from './week-steps';

const MiB = 1024 ** 2;
const utc = (iso: string) => Date.parse(iso);

function table(text: string): WeekSlot<BandwidthPair>[] {
  const parsed = parseBandwidthTimetable(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
const downloadAt = (slots: WeekSlot<BandwidthPair>[], t: number) => stepInForce(slots, t)?.slot.value.download;

let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'Europe/Berlin';
  // The zone took: a winter noon in Berlin is 11:00 UTC.
  expect(new Date(utc('2026-01-07T11:00:00Z')).getHours()).toBe(12);
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('the step in force and the next step, in local time', () => {
  const slots = table('08:00,2M 18:00,off Sat-00:00,off');

  it('follows the day: 2M from 08:00, none from 18:00, wrapping over midnight', () => {
    // Wednesday 2026-01-07, CET (UTC+1).
    expect(downloadAt(slots, utc('2026-01-07T06:59:59Z'))).toBeNull(); // 07:59 local: yesterday's 18:00
    expect(downloadAt(slots, utc('2026-01-07T07:00:00Z'))).toBe(2 * MiB); // 08:00 local
    expect(downloadAt(slots, utc('2026-01-07T16:59:00Z'))).toBe(2 * MiB);
    expect(downloadAt(slots, utc('2026-01-07T17:00:00Z'))).toBeNull();
    expect(nextStepAfter(slots, utc('2026-01-07T10:00:00Z'))?.at).toBe(utc('2026-01-07T17:00:00Z'));
  });

  it('wraps round the week from the last step', () => {
    const week = table('Mon-09:00,1M Fri-17:00,off');
    expect(downloadAt(week, utc('2026-01-04T12:00:00Z'))).toBeNull(); // Sunday: Friday's off
    expect(downloadAt(week, utc('2026-01-06T12:00:00Z'))).toBe(MiB); // Tuesday: Monday's 1M
    expect(nextStepAfter(week, utc('2026-01-04T12:00:00Z'))?.at).toBe(utc('2026-01-05T08:00:00Z'));
  });

  it('a step in the hour skipped in spring happens at the jump', () => {
    const night = table('02:30,1M 05:00,off');
    // 2026-03-29: 01:59:59 CET (00:59:59Z) is followed by 03:00 CEST (01:00Z); 02:30 never shows.
    expect(downloadAt(night, utc('2026-03-29T00:59:59.999Z'))).toBeNull();
    expect(downloadAt(night, utc('2026-03-29T01:00:00Z'))).toBe(MiB);
    expect(nextStepAfter(night, utc('2026-03-29T00:30:00Z'))?.at).toBe(utc('2026-03-29T01:00:00Z'));
    // 05:00 CEST is 03:00Z: the day is an hour short, the off step is still at 05:00 local.
    expect(nextStepAfter(night, utc('2026-03-29T01:00:00Z'))?.at).toBe(utc('2026-03-29T03:00:00Z'));
  });

  it('a step in the hour repeated in autumn happens once, and the repeat does not undo it', () => {
    const night = table('02:30,1M 05:00,off');
    // 2026-10-25: 02:30 CEST is 00:30Z; at 01:00Z clocks go back to 02:00 CET and show 02:30 again at 01:30Z.
    expect(downloadAt(night, utc('2026-10-25T00:29:59Z'))).toBeNull();
    expect(downloadAt(night, utc('2026-10-25T00:30:00Z'))).toBe(MiB);
    expect(downloadAt(night, utc('2026-10-25T01:10:00Z'))).toBe(MiB); // 02:10 CET, the second time round
    expect(nextStepAfter(night, utc('2026-10-25T00:40:00Z'))?.at).toBe(utc('2026-10-25T04:00:00Z')); // 05:00 CET
  });

  it('queue hours: a night window on chosen days', () => {
    const hours = queueHourSlots({ enabled: true, start: '22:00', stop: '06:00', days: [5] }); // Friday nights
    const gate = (iso: string) => stepInForce(hours, utc(iso))?.slot.value;
    expect(gate('2026-01-09T20:59:00Z')).toBe('closed'); // Fri 21:59
    expect(gate('2026-01-09T21:00:00Z')).toBe('open'); // Fri 22:00
    expect(gate('2026-01-10T04:59:00Z')).toBe('open'); // Sat 05:59
    expect(gate('2026-01-10T05:00:00Z')).toBe('closed'); // Sat 06:00
    expect(gate('2026-01-12T21:00:00Z')).toBe('closed'); // Monday 22:00: not a chosen day
  });
});

describe('StepTimer on the manual clock', () => {
  it('applies the step in force at once, then each step when its time comes, never sleeping over a minute', async () => {
    const clock = new ManualClock(utc('2026-01-07T06:58:00Z')); // 07:58 local
    const seen: Array<[number | null, string]> = [];
    const timer = new StepTimer<BandwidthPair>(clock, (step) => seen.push([step.slot.value.download, new Date(clock.now()).toISOString()]));
    timer.set(table('08:00,2M 18:00,off'));
    expect(seen).toEqual([[null, '2026-01-07T06:58:00.000Z']]);
    await clock.advance(119_999);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect(seen.at(-1)).toEqual([2 * MiB, '2026-01-07T07:00:00.000Z']);
    expect(timer.nextAt()).toBe(utc('2026-01-07T17:00:00Z'));
    expect(clock.timerCount).toBe(1);
    timer.stop();
    expect(clock.timerCount).toBe(0);
  });

  it('a machine asleep through several steps applies only the latest when it wakes', async () => {
    const clock = new ManualClock(utc('2026-01-07T06:00:00Z')); // 07:00 local: yesterday's 20:00 step in force
    const seen: Array<number | null> = [];
    const timer = new StepTimer<BandwidthPair>(clock, (step) => seen.push(step.slot.value.download));
    timer.set(table('08:00,2M 12:00,1M 18:00,off 20:00,512K'));
    // Asleep from 07:00 to 19:00 local: the 08:00, 12:00 and 18:00 steps pass unseen.
    await sleepThrough(clock, 12 * 3_600_000);
    expect(seen).toEqual([512 * 1024, null]);
    await clock.advance(3_600_000);
    expect(seen).toEqual([512 * 1024, null, 512 * 1024]);
    timer.stop();
  });
});
