import { describe, expect, it } from 'vitest';
import { parseBandwidthTimetable, parseRate } from './bwlimit';
import { queueHourSlots } from './queue-hours';

const KiB = 1024;
const MiB = 1024 ** 2;

describe("rclone's --bwlimit timetable grammar", () => {
  it('reads rates as rclone does: KiB by default, binary suffixes, off and 0 for none', () => {
    expect(parseRate('666')).toEqual({ ok: true, value: 666 * KiB });
    expect(parseRate('2M')).toEqual({ ok: true, value: 2 * MiB });
    expect(parseRate('1.5m')).toEqual({ ok: true, value: 1.5 * MiB });
    expect(parseRate('100B')).toEqual({ ok: true, value: 100 });
    expect(parseRate('off')).toEqual({ ok: true, value: null });
    expect(parseRate('0')).toEqual({ ok: true, value: null });
    expect(parseRate('1000X')).toMatchObject({ ok: false, error: expect.stringContaining('not a rate') });
  });

  it('takes a single rate, or upload:download, for the whole week', () => {
    expect(parseBandwidthTimetable('666:333')).toEqual({ ok: true, value: [{ day: 0, minute: 0, value: { upload: 666 * KiB, download: 333 * KiB } }] });
    expect(parseBandwidthTimetable('2M')).toEqual({ ok: true, value: [{ day: 0, minute: 0, value: { upload: 2 * MiB, download: 2 * MiB } }] });
  });

  it('expands a time without a day to all seven days and keeps a day-prefixed one to its day', () => {
    const parsed = parseBandwidthTimetable('08:00,2M 18:00,off Sat-00:00,off');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toHaveLength(15);
    expect(parsed.value.filter((s) => s.minute === 480).map((s) => s.day)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(parsed.value.at(-1)).toEqual({ day: 6, minute: 0, value: { upload: null, download: null } });
    // Full day names, case ignored, semicolons between entries (rclone 1.68+).
    const mixed = parseBandwidthTimetable('monday-09:00,10M:1M;FRI-17:30,off');
    expect(mixed).toEqual({
      ok: true,
      value: [
        { day: 1, minute: 540, value: { upload: 10 * MiB, download: 1 * MiB } },
        { day: 5, minute: 1050, value: { upload: null, download: null } },
      ],
    });
  });

  it('says what is wrong, in words', () => {
    const error = (text: string) => {
      const parsed = parseBandwidthTimetable(text);
      return parsed.ok ? 'accepted' : parsed.error;
    };
    expect(error('')).toBe('The timetable is empty');
    expect(error('bad,bad')).toContain('"bad" in "bad,bad" is not a time');
    expect(error('2401,666')).toContain('not a time');
    expect(error('24:00,1M')).toContain('not a time');
    expect(error('Mon-bad,666')).toContain('not a time');
    expect(error('bad-10:20,666')).toContain('"bad" in "bad-10:20,666" is not a day');
    expect(error('Mon-10:20,bad')).toContain('"bad" is not a rate');
    expect(error('10:20,1M:2M:3M')).toContain('more than one colon');
    expect(error('08:00 2M')).toContain('is not a step');
  });
});

describe('queue hours as steps', () => {
  it('opens at start and closes at stop on each chosen day, the next day for a night window', () => {
    expect(queueHourSlots({ enabled: true, start: '09:00', stop: '17:00', days: [1] })).toEqual([
      { day: 1, minute: 1020, value: 'closed' },
      { day: 1, minute: 540, value: 'open' },
    ]);
    expect(queueHourSlots({ enabled: true, start: '22:00', stop: '06:00', days: [6] })).toEqual([
      { day: 0, minute: 360, value: 'closed' },
      { day: 6, minute: 1320, value: 'open' },
    ]);
    expect(queueHourSlots({ enabled: false, start: '22:00', stop: '06:00', days: [6] })).toEqual([]);
  });
});
