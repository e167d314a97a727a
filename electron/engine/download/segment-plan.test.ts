// The splitting rules, called directly: which range a free connection gets, and what the resume
// data records. Holding ranges (check-out and release) is the segment table's, tested beside it.
import { describe, expect, it } from 'vitest';
import { coversExactly, liveFromResume, resumeSegments, chooseRange, type LiveSegment } from './segment-plan';

const MIB = 1 << 20;

function seg(start: number, end: number, written = 0, busy = true, speed = 0): LiveSegment {
  return { start, end, issued: start + written, written, durable: written, busy, speed };
}

describe('chooseRange', () => {
  it('gives a free connection an idle range first, the one with most left', () => {
    const segments = [seg(0, 4 * MIB, 0, true), seg(4 * MIB, 6 * MIB, 0, false), seg(6 * MIB, 10 * MIB, MIB, false)];
    expect(chooseRange(segments, MIB)).toBe(2);
    // Chosen, not held: the segment table marks it (segment-table.test.ts).
    expect(segments[2]!.busy).toBe(false);
    segments[2]!.busy = true;
    expect(chooseRange(segments, MIB)).toBe(1);
  });

  it('otherwise takes the second half of the largest remaining range (IDM), at the point not yet issued', () => {
    const segments = [seg(0, 8 * MIB, 2 * MIB), seg(8 * MIB, 10 * MIB, 0)];
    const index = chooseRange(segments, MIB);
    expect(index).toBe(1);
    // 6 MiB left after byte 2 MiB: the new range starts halfway, at 5 MiB.
    expect(segments[0]).toMatchObject({ start: 0, end: 5 * MIB });
    expect(segments[1]).toMatchObject({ start: 5 * MIB, end: 8 * MIB, written: 0, busy: false });
    expect(segments[2]).toMatchObject({ start: 8 * MIB, end: 10 * MIB });
  });

  it('never splits below the minimum and never below bytes already issued', () => {
    const segments = [seg(0, 3 * MIB, MIB)];
    segments[0]!.issued = 2.5 * MIB; // bytes on their way to the disk
    expect(chooseRange(segments, MIB)).toBeUndefined();
    expect(segments).toHaveLength(1);
    expect(segments[0]!.end).toBe(3 * MIB);
  });

  it('takes work from a much slower connection although another has more bytes left', () => {
    const fast = seg(0, 10 * MIB, 0, true, 10 * MIB);
    const slow = seg(10 * MIB, 16 * MIB, 0, true, 0.1 * MIB);
    const segments = [fast, slow];
    expect(chooseRange(segments, MIB)).toBe(2);
    // A new connection counts as typical (5.05 MiB/s): the slow one keeps 6 MiB x 0.1 / 5.15.
    expect(slow.end).toBe(10 * MIB + Math.ceil((6 * MIB * 0.1 * MIB) / (5.15 * MIB)));
    expect(fast.end).toBe(10 * MIB);
  });

  it('a new connection counts as what this download\'s connections did, finished ranges too: a slow one left alone with its last MiB gets help', () => {
    const done = (start: number) => seg(start, start + 16 * MIB, 16 * MIB, false, 4 * MIB);
    const slow = seg(48 * MIB, 50 * MIB, MIB, true, 256 * 1024);
    const segments = [done(0), done(16 * MIB), done(32 * MIB), slow];
    expect(chooseRange(segments, MIB)).toBe(4);
    // Typical (3.06 MiB/s) against 0.25 MiB/s: the slow one keeps about a twelfth of its last MiB.
    expect(slow.end - slow.issued).toBeLessThan(100 * 1024);
    // Chosen, not held: the segment table checks it out (segment-table.ts).
    expect(segments[4]).toMatchObject({ end: 50 * MIB, busy: false });
  });

  it('halves between connections of equal speed, and when no speed is known', () => {
    const even = [seg(0, 8 * MIB, 0, true, 2 * MIB)];
    chooseRange(even, MIB, 2 * MIB);
    expect(even[0]!.end).toBe(4 * MIB);
    const unknown = [seg(0, 8 * MIB)];
    chooseRange(unknown, MIB);
    expect(unknown[0]!.end).toBe(4 * MIB);
  });

  it('cuts a slow range where both would finish together, so the slow one leaves no long tail', () => {
    // 20 MiB left at 50 KiB/s (over 6 minutes); the free connection did 2 MiB/s.
    const slow = seg(0, 20 * MIB, 0, true, 50 * 1024);
    const segments = [slow];
    expect(chooseRange(segments, MIB, 2 * MIB)).toBe(1);
    const keptBytes = slow.end;
    expect(keptBytes / (50 * 1024)).toBeCloseTo((20 * MIB - keptBytes) / (2 * MIB), 1);
    expect(keptBytes).toBeLessThan(MIB);
  });

  it('takes less than minSplit from a slow connection when that saves seconds, never a sliver', () => {
    // 512 KiB left at 50 KiB/s: ten seconds alone; a 2 MiB/s connection needs a quarter second.
    const slow = seg(0, 512 * 1024, 0, true, 50 * 1024);
    expect(chooseRange([slow], MIB, 2 * MIB)).toBe(1);
    // Equal speeds: half of 1.5 MiB is below minSplit, as before.
    expect(chooseRange([seg(0, 1.5 * MIB, 0, true, MIB)], MIB, MIB)).toBeUndefined();
    // Slow, but 64 KiB left at 50 KiB/s is not worth a request.
    expect(chooseRange([seg(0, 64 * 1024, 0, true, 50 * 1024)], MIB, 2 * MIB)).toBeUndefined();
    // A taker that is not clearly faster does not go below minSplit.
    expect(chooseRange([seg(0, 512 * 1024, 0, true, 50 * 1024)], MIB, 60 * 1024)).toBeUndefined();
  });
});

describe('resume data', () => {
  it('merges a complete range into its right neighbour, keeping durable counts only', () => {
    const segments = [seg(0, 4, 4), seg(4, 8, 2), seg(8, 12, 4), seg(12, 16, 1)];
    segments[1]!.written = 3; // written but not yet fsync'd: not recorded
    expect(resumeSegments(segments)).toEqual([
      { start: 0, end: 8, done: 6 },
      { start: 8, end: 16, done: 5 },
    ]);
  });

  it('trusts only ranges that cover the file exactly', () => {
    expect(coversExactly([{ start: 0, end: 5, done: 5 }, { start: 5, end: 10, done: 0 }], 10)).toBe(true);
    expect(coversExactly([{ start: 0, end: 5, done: 5 }, { start: 6, end: 10, done: 0 }], 10)).toBe(false);
    expect(coversExactly([{ start: 0, end: 5, done: 6 }, { start: 5, end: 10, done: 0 }], 10)).toBe(false);
    expect(coversExactly([{ start: 0, end: 5, done: 5 }], 10)).toBe(false);
    expect(coversExactly([{ start: 0, end: null, done: 0 }], 10)).toBe(false);
  });

  it('continues each range at its durable end', () => {
    const live = liveFromResume([{ start: 0, end: 8, done: 6 }, { start: 8, end: 16, done: 0 }], 16);
    expect(live.map((s) => [s.start + s.written, s.issued, s.busy])).toEqual([
      [6, 6, false],
      [8, 8, false],
    ]);
  });
});

describe('chooseRange, several connections opening together', () => {
  it('cuts the first range at its share of the whole range, what it already received included (as aria2c cuts the file)', () => {
    // The first connection got nginx's 2 MiB burst alone; then the ramp opens more.
    const segments = [seg(0, 16 * MIB, 2 * MIB, true, 10 * MIB)];
    expect(chooseRange(segments, MIB, 0, true)).toBe(1);
    expect(segments[0]).toMatchObject({ start: 0, end: 8 * MIB });
    expect(segments[1]).toMatchObject({ start: 8 * MIB, end: 16 * MIB });
    // One at a time (a connection that went free) still halves what is left.
    const alone = [seg(0, 16 * MIB, 2 * MIB, true, 10 * MIB)];
    chooseRange(alone, MIB);
    expect(alone[0]!.end).toBe(9 * MIB);
  });

  it('sixteen opening at once get sixteen equal ranges of the file, the first one counting its burst', () => {
    const segments = [seg(0, 256 * MIB, 2 * MIB, true, 10 * MIB)];
    for (let n = 1; n < 16; n++) {
      const index = chooseRange(segments, MIB, 0, true);
      expect(index).toBeDefined();
      segments[index!]!.busy = true; // checked out by a new connection (speed unknown)
    }
    expect(segments.map((s) => s.end - s.start)).toEqual(Array.from({ length: 16 }, () => 16 * MIB));
  });

  it('a range already past its share keeps the usual half of what is left', () => {
    const segments = [seg(0, 8 * MIB, 6 * MIB, true, 4 * MIB)];
    expect(chooseRange(segments, MIB, 0, true)).toBe(1);
    expect(segments[0]!.end).toBe(7 * MIB);
  });
});
