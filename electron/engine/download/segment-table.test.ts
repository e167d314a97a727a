// The segment table on its own: who holds which range, what a holder may write, and which counts
// the resume data may record. The splitting rules it applies are segment-plan.ts's (tested there).
import { describe, expect, it } from 'vitest';
import type { LiveSegment } from './segment-plan';
import { SegmentTable } from './segment-table';

const MIB = 1 << 20;

function range(start: number, end: number, written = 0): LiveSegment {
  return { start, end, issued: start + written, written, durable: written, busy: false, speed: 0 };
}

describe('SegmentTable', () => {
  it('checks out the idle range with most left first, and holds what it hands out', () => {
    const table = new SegmentTable([range(0, 4 * MIB), range(4 * MIB, 6 * MIB), range(6 * MIB, 10 * MIB, MIB)], MIB);
    const a = table.checkOut()!;
    expect(a.start).toBe(0);
    const b = table.checkOut()!;
    expect(b.start).toBe(6 * MIB);
    expect(b.nextOffset).toBe(7 * MIB);
    const c = table.checkOut()!;
    expect(c.start).toBe(4 * MIB);
    expect(table.ranges().map((r) => r.busy)).toEqual([true, true, true]);
  });

  it('with every range held, checks out the second half of the largest remaining range (IDM), held by the taker', () => {
    const table = SegmentTable.fresh(8 * MIB, 0, MIB);
    const first = table.checkOut()!;
    first.issue(2 * MIB);
    first.wrote(2 * MIB);
    const taker = table.checkOut()!;
    // 6 MiB left after byte 2 MiB: the new range starts halfway, at 5 MiB.
    expect([taker.start, taker.end, taker.written]).toEqual([5 * MIB, 8 * MIB, 0]);
    expect(first.end).toBe(5 * MIB);
    expect(table.ranges().map((r) => [r.start, r.end, r.busy])).toEqual([
      [0, 5 * MIB, true],
      [5 * MIB, 8 * MIB, true],
    ]);
  });

  it('never hands one range to two holders: the first range, a held range, nothing worth splitting', () => {
    const table = SegmentTable.fresh(1.5 * MIB, 0, MIB);
    const first = table.checkOutFirst();
    expect(() => table.checkOutFirst()).toThrow(/not free/);
    // 1.5 MiB left: half of it is below the minimum split, so nobody else gets any of it.
    expect(table.checkOut()).toBeUndefined();
    first.release();
    const again = table.checkOut()!;
    expect(again.start).toBe(0);
    expect(table.checkOut()).toBeUndefined();
  });

  it('a holder never issues past its range, which shrinks when another takes its end', () => {
    const table = SegmentTable.fresh(4 * MIB, 0, MIB);
    const first = table.checkOut()!;
    expect(first.room).toBe(4 * MIB);
    table.checkOut(); // takes [2 MiB, 4 MiB)
    expect(first.room).toBe(2 * MIB);
    expect(() => first.issue(2 * MIB + 1)).toThrow(/room/);
    first.issue(2 * MIB);
    expect(first.room).toBe(0);
  });

  it('release gives the range back from its written end: issued but unwritten bytes are asked for again', () => {
    const table = SegmentTable.fresh(8 * MIB, 0, MIB);
    const lease = table.checkOut()!;
    lease.issue(3 * MIB);
    lease.wrote(2 * MIB); // a write of 1 MiB never completed (the connection broke)
    lease.release();
    expect(lease.held).toBe(false);
    expect(() => lease.wrote(1)).toThrow(/released/);
    const next = table.checkOut()!;
    expect(next.start).toBe(0);
    expect(next.nextOffset).toBe(2 * MIB);
    expect(next.room).toBe(6 * MIB);
  });

  it('records only durable bytes: written bytes count once an fsync that began after them is done', async () => {
    const table = SegmentTable.fresh(8 * MIB, 0, MIB);
    const a = table.checkOut()!;
    const b = table.checkOut()!;
    a.issue(MIB);
    a.wrote(MIB);
    b.issue(MIB);
    b.wrote(MIB);
    expect(table.writtenTotal()).toBe(2 * MIB);
    expect(table.resumeData()).toEqual([
      { start: 0, end: 4 * MIB, done: 0 },
      { start: 4 * MIB, end: 8 * MIB, done: 0 },
    ]);
    await table.makeDurable(async () => {
      // Written while the fsync runs: not known to be on disk yet.
      a.issue(MIB);
      a.wrote(MIB);
    });
    expect(table.writtenTotal()).toBe(3 * MIB);
    expect(table.resumeData()).toEqual([
      { start: 0, end: 4 * MIB, done: MIB },
      { start: 4 * MIB, end: 8 * MIB, done: MIB },
    ]);
    await table.makeDurable(async () => undefined);
    expect(table.resumeData()[0]).toEqual({ start: 0, end: 4 * MIB, done: 2 * MIB });
  });

  it('continues from resume data at the durable end of each range, and knows when every byte is written', () => {
    const table = SegmentTable.fromResume([{ start: 0, end: 8, done: 8 }, { start: 8, end: 16, done: 3 }], 16, 4);
    expect(table.complete).toBe(false);
    const lease = table.checkOut()!;
    expect(lease.nextOffset).toBe(11);
    expect(table.checkOut()).toBeUndefined(); // 5 bytes left and held: half of it is below minSplit
    lease.issue(5);
    lease.wrote(5);
    lease.release();
    expect(table.complete).toBe(true);
    expect(table.checkOut()).toBeUndefined();
  });
});
