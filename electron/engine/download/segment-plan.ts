// Which byte ranges the connections of one segmented download work on. Pure planning, no I/O and
// no holders: the segment table (segment-table.ts) checks the chosen range out and in; the
// splitting rules here are tested directly.
//
// The rule is IDM's (aria2 does the same with its min-split-size): a connection that is free takes
// a range nobody works on, else it takes the end of the range with the most work left, if that end
// is at least `minSplit` bytes. "Most work left" is measured in time where speeds are known, so a
// connection much slower than the others is the one that gives work up. Where both speeds are
// known the range is cut so both finish together (half between equals): halving alone leaves a
// connection at a twentieth of the speed up to 2 x minSplit bytes, a tail of tens of seconds.
import type { ByteSegment } from '../types';

export interface LiveSegment {
  start: number;
  /** Exclusive. Shrinks when another connection takes the second half. */
  end: number;
  /** Absolute offset up to which writes have been issued (never past `end`). */
  issued: number;
  /** Bytes from `start` whose writes completed (not yet durable). */
  written: number;
  /** Bytes from `start` that are fsync'd. */
  durable: number;
  /** Whether a connection holds it. Set and cleared by the segment table only (check-out, release). */
  busy: boolean;
  /** Bytes per second of its connection, smoothed; 0 while unknown. */
  speed: number;
}

/** 1 MiB, as aria2's `-k1M` in the benchmark: below it a new request costs more than it saves. */
export const DEFAULT_MIN_SPLIT = 1 << 20;

export function liveFromResume(segments: readonly ByteSegment[], total: number): LiveSegment[] {
  return segments.map((s) => {
    const end = s.end ?? total;
    const durable = Math.max(0, Math.min(s.done, end - s.start));
    return { start: s.start, end, issued: s.start + durable, written: durable, durable, busy: false, speed: 0 };
  });
}

export function remaining(s: LiveSegment): number {
  return s.end - (s.start + s.written);
}

/** Segments that cover [0, total) with no gap or overlap: the only kind we resume from. */
export function coversExactly(segments: readonly ByteSegment[], total: number): boolean {
  let at = 0;
  for (const s of [...segments].sort((a, b) => a.start - b.start)) {
    if (s.start !== at || s.end === null || s.end <= s.start || s.done < 0 || s.done > s.end - s.start) return false;
    at = s.end;
  }
  return at === total;
}

/** A slow connection's range is cut below minSplit when that saves at least this long... */
export const STEAL_WORTH_SECONDS = 1;
/** ...and the cut is at least this big: below it a request costs more than any tail it saves. */
export const MIN_STEAL = 64 * 1024;

/**
 * Chooses a free connection's work: the index of an idle segment to continue, after splitting a
 * busy one if none is idle (the new range is inserted after its victim, idle). `takerSpeed`: bytes
 * per second the free connection managed on its last range (0 or absent: unknown, e.g. a new
 * connection). Returns undefined when nothing is worth another connection. It only chooses: the
 * caller (the segment table) marks the range held.
 */
export function chooseRange(segments: LiveSegment[], minSplit: number, takerSpeed = 0, together = false): number | undefined {
  let idle: number | undefined;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (!s.busy && remaining(s) > 0 && (idle === undefined || remaining(s) > remaining(segments[idle]!))) idle = i;
  }
  if (idle !== undefined) return idle;
  const typical = typicalSpeed(segments);
  const cut = splitCandidate(segments, minSplit, takerSpeed || typical, typical, together);
  if (cut === undefined) return undefined;
  const { victim, at } = cut;
  const s = segments[victim]!;
  const taken: LiveSegment = { start: at, end: s.end, issued: at, written: 0, durable: 0, busy: false, speed: 0 };
  s.end = at;
  segments.splice(victim + 1, 0, taken);
  return victim + 1;
}

/**
 * What a connection of this download typically manages: the mean speed its ranges showed, finished
 * ones included. It stands for a new connection, whose speed is unknown: near the end only a slow
 * range may still be busy, and judged by it alone a new connection looked just as slow, so nobody
 * took work from a slow connection left alone with its last MiB (seconds at 256 KiB/s).
 */
function typicalSpeed(segments: readonly LiveSegment[]): number {
  const speeds = segments.filter((s) => s.speed > 0).map((s) => s.speed);
  return speeds.length > 0 ? speeds.reduce((a, b) => a + b, 0) / speeds.length : 0;
}

/**
 * Bytes past `issued` that the victim keeps: its share of what is left in proportion to its speed
 * and the taker's, so both ends come in together. Unknown speeds count as typical ones, and with
 * nothing known the range is halved.
 *
 * `together`: several connections open at once (the ramp's step, a count that was asked for) and
 * share the ranges out. Then the share is of the victim's whole range, what it already received
 * included, as aria2c cuts the file into equal ranges whatever its first connection got meanwhile:
 * each new request is sent at once, and a server that paces each connection lets it through a
 * burst first (nginx: a second's worth). Halving what was left gave the first connection, which had
 * spent its burst alone, one nginx turn more than the others: it ended 0.4 s after them, on a
 * 256 MiB download at 4 MiB/s per connection. A victim past its share keeps the usual one.
 */
function kept(s: LiveSegment, takerSpeed: number, typical: number, together = false): number {
  const left = s.end - s.issued;
  const own = s.speed || typical;
  const share = (bytes: number) => (own <= 0 || takerSpeed <= 0 ? Math.ceil(bytes / 2) : Math.ceil((bytes * own) / (own + takerSpeed)));
  if (together) {
    const ofRange = share(s.end - s.start) - (s.issued - s.start);
    if (ofRange > 0) return ofRange;
  }
  return share(left);
}

/** Whether cutting `taken` bytes off `s` is worth a new request. */
function worthTaking(s: LiveSegment, taken: number, minSplit: number, takerSpeed: number): boolean {
  if (taken >= minSplit) return true;
  // A known-slow connection: what it would still take seconds for, a faster one fetches at once.
  return s.speed > 0 && takerSpeed > 2 * s.speed && taken >= MIN_STEAL && taken / s.speed >= STEAL_WORTH_SECONDS;
}

/** The segment to cut and where (the offset from which the taker's range starts). */
function splitCandidate(segments: readonly LiveSegment[], minSplit: number, takerSpeed: number, typical: number, together: boolean): { victim: number; at: number } | undefined {
  let best: { victim: number; at: number } | undefined;
  let bestScore = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (!s.busy) continue;
    const left = s.end - s.issued;
    const keeps = kept(s, takerSpeed, typical, together);
    if (!worthTaking(s, left - keeps, minSplit, takerSpeed)) continue;
    // Time left at this connection's speed; unknown speeds count as typical ones.
    const score = typical > 0 ? left / Math.max(s.speed || typical, 1) : left;
    if (score > bestScore) {
      best = { victim: i, at: s.issued + keeps };
      bestScore = score;
    }
  }
  return best;
}

/**
 * Resume data: the segments with durable counts, neighbours merged where the left one is complete
 * (its bytes and the right one's durable prefix are then one contiguous run), so a finished
 * download of many splits is recorded as a handful of ranges.
 */
export function resumeSegments(segments: readonly LiveSegment[]): ByteSegment[] {
  const out: ByteSegment[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (prev && prev.end === s.start && prev.done === prev.end - prev.start) {
      prev.end = s.end;
      prev.done += s.durable;
    } else {
      out.push({ start: s.start, end: s.end, done: s.durable });
    }
  }
  return out;
}

/** How much a new sample moves a segment's smoothed speed. */
const SPEED_SMOOTHING = 0.3;

/** Keeps each busy segment's `speed` (smoothed bytes per second) from samples taken on every tick. */
export class SegmentSpeeds {
  private readonly last = new Map<LiveSegment, { at: number; written: number }>();

  sample(segments: readonly LiveSegment[], now: number): void {
    for (const s of segments) {
      if (!s.busy) continue;
      const last = this.last.get(s);
      if (last && now > last.at) {
        const speed = ((s.written - last.written) * 1000) / (now - last.at);
        s.speed = s.speed === 0 ? speed : s.speed + SPEED_SMOOTHING * (speed - s.speed);
      }
      this.last.set(s, { at: now, written: s.written });
    }
  }
}
