// The byte ranges of one segmented download and who holds each, as aria2's SegmentMan keeps them:
// a connection checks a range out (an idle one, or a split of a busy one: segment-plan.ts
// chooses), writes into it through its lease, and checks it back in when it stops, finished or
// not. The table alone marks a range held or free, so no two connections ever hold one range,
// and it alone moves each range's counts: issued (handed to the writer), written (writes
// completed) and durable (fsync'd before it was counted), which is all the resume data records.
import type { ByteSegment } from '../types';
import { chooseRange, liveFromResume, remaining, resumeSegments, SegmentSpeeds, type LiveSegment } from './segment-plan';

/** A held range, as its holder sees it: where to write next and how far, and the counts to move. */
export class RangeLease {
  private released = false;

  constructor(
    private readonly segment: LiveSegment,
    private readonly checkIn: (segment: LiveSegment) => void,
  ) {}

  get start(): number {
    return this.segment.start;
  }

  /** Exclusive; moves down when another connection takes the end of this range. */
  get end(): number {
    return this.segment.end;
  }

  /** The absolute offset of the next byte to ask the server for: the end of what was written. */
  get nextOffset(): number {
    return this.segment.start + this.segment.written;
  }

  /** Bytes still to be written into this range. */
  get remaining(): number {
    return remaining(this.segment);
  }

  /** Bytes that may still be handed to the writer: never past the range's current end. */
  get room(): number {
    return Math.max(0, this.segment.end - this.segment.issued);
  }

  /** Bytes of this range whose writes completed (durable or not). */
  get written(): number {
    return this.segment.written;
  }

  /** The holder's smoothed speed on this range, bytes per second (0: not known yet). */
  get speed(): number {
    return this.segment.speed;
  }

  get held(): boolean {
    return !this.released;
  }

  /** `bytes` handed to the writer (not yet written). */
  issue(bytes: number): void {
    this.check();
    if (bytes > this.room) throw new Error(`A range holder issued ${bytes} bytes with room for ${this.room}`);
    this.segment.issued += bytes;
  }

  /** `bytes` of this range's writes completed. */
  wrote(bytes: number): void {
    this.check();
    this.segment.written += bytes;
  }

  /** Bytes issued but never written (the writer stopped) are asked for again from the written end. */
  rewind(): void {
    this.check();
    this.segment.issued = this.segment.start + this.segment.written;
  }

  /** Checks the range back in, finished or not; the lease is dead afterwards. Only once the writer settled. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.segment.issued = this.segment.start + this.segment.written;
    this.checkIn(this.segment);
  }

  private check(): void {
    if (this.released) throw new Error('A released range was written to: another connection may hold it now');
  }
}

export class SegmentTable {
  private readonly segments: LiveSegment[];
  private readonly speeds = new SegmentSpeeds();

  constructor(
    segments: LiveSegment[],
    private readonly minSplit: number,
  ) {
    this.segments = segments;
    for (const s of segments) s.busy = false;
  }

  /** A download starting now: one range over the whole file, `offset` bytes of it already durable. */
  static fresh(total: number, offset: number, minSplit: number): SegmentTable {
    return new SegmentTable([{ start: 0, end: total, issued: offset, written: offset, durable: offset, busy: false, speed: 0 }], minSplit);
  }

  /** A download continuing from its resume data: each range from its durable end. */
  static fromResume(segments: readonly ByteSegment[], total: number, minSplit: number): SegmentTable {
    return new SegmentTable(liveFromResume(segments, total), minSplit);
  }

  /**
   * Work for a free connection: the idle range with most left, else the end of the busy range
   * with most left (IDM's rule, segment-plan.ts). `takerSpeed`: what the connection managed on its
   * last range (0: unknown). Undefined when nothing is worth another connection.
   */
  checkOut(takerSpeed = 0, together = false): RangeLease | undefined {
    const index = chooseRange(this.segments, this.minSplit, takerSpeed, together);
    return index === undefined ? undefined : this.lease(this.segments[index]!);
  }

  /** The range that starts the file, for the response that proved range support (the probe's body). */
  checkOutFirst(): RangeLease {
    const first = this.segments[0];
    if (!first || first.busy) throw new Error('The first range is not free');
    return this.lease(first);
  }

  get complete(): boolean {
    return this.segments.every((s) => remaining(s) <= 0);
  }

  /** Bytes written over all ranges (durable or not): live progress. */
  writtenTotal(): number {
    let sum = 0;
    for (const s of this.segments) sum += s.written;
    return sum;
  }

  /** The bytes whose writes completed, as ranges [start, end): what a new source's bytes are compared with. */
  writtenRanges(): [number, number][] {
    return this.segments.filter((s) => s.written > 0).map((s) => [s.start, s.start + s.written]);
  }

  /** Updates each held range's speed; called on a steady tick. */
  sampleSpeeds(now: number): void {
    this.speeds.sample(this.segments, now);
  }

  /**
   * Runs `sync` (an fsync of the file) and then counts as durable what was written before it
   * began: bytes written while it ran may not be on disk yet.
   */
  async makeDurable(sync: () => Promise<void>): Promise<void> {
    const before = this.segments.map((s) => [s, s.written] as const);
    await sync();
    for (const [s, written] of before) s.durable = Math.max(s.durable, written);
  }

  /** The resume data: durable counts only, complete neighbours merged. */
  resumeData(): ByteSegment[] {
    return resumeSegments(this.segments);
  }

  /** The ranges as they stand (for tests and diagnostics): copies, never the live ones. */
  ranges(): Readonly<LiveSegment>[] {
    return this.segments.map((s) => ({ ...s }));
  }

  private lease(segment: LiveSegment): RangeLease {
    if (segment.busy) throw new Error(`The range at ${segment.start} is already held`);
    segment.busy = true;
    return new RangeLease(segment, (s) => {
      s.busy = false;
    });
  }
}
