// Which URL each connection of a segmented download asks for its range, when the download has
// several (its URL and mirrors of the same file). Each source keeps its own facts (final URL,
// validators for If-Range, whether its bytes were compared with the file's: source-facts.ts) and,
// for this attempt, how many connections ask it and how fast each of them is. Connections are
// spread over the sources by that measured speed, and the split rules (segment-plan.ts) already
// give a faster connection a bigger share of a range; a source that fails is dropped with a line in
// the log while others remain. Kept apart from the connections' scheduling, which only asks here.
import type { SourceFacts } from '../types';
import { ifRangeValidator } from './response-check';
import { isLive } from './source-facts';

export interface RangeSource {
  readonly facts: SourceFacts;
  readonly host: string;
  /** Connections of this attempt holding a seat on it. */
  connections: number;
  /** Bytes per second per connection, smoothed; 0 while unknown. */
  speed: number;
  /** Taken out of the download's URL list while the attempt runs. */
  removed: boolean;
}

/** How much a new sample moves a source's smoothed speed. */
const SPEED_SMOOTHING = 0.3;

export interface SourceScore {
  connections: number;
  speed: number;
}

/** A connection moves to another source only when that one is clearly better (no back and forth). */
const MOVE_GAIN = 0.8;

/**
 * The index of the source a connection should ask: the one whose connections would each have the
 * most speed to spare, (connections + 1) / speed lowest. A source not measured yet counts as fast
 * as the fastest one, so each gets tried; nothing known, the one with fewest connections.
 * `stay`: the index of the connection's own source, kept unless another scores clearly better.
 */
export function chooseBySpeed(candidates: readonly SourceScore[], stay?: number): number | undefined {
  if (candidates.length === 0) return undefined;
  const fastest = Math.max(0, ...candidates.map((c) => c.speed));
  const score = (c: SourceScore): number => (c.connections + 1) / (c.speed > 0 ? c.speed : fastest > 0 ? fastest : 1);
  let best = 0;
  for (let i = 1; i < candidates.length; i++) if (score(candidates[i]!) < score(candidates[best]!)) best = i;
  if (stay !== undefined && candidates[stay] && score(candidates[best]!) > MOVE_GAIN * score(candidates[stay]!)) return stay;
  return best;
}

export class RangeSources {
  private readonly runtime = new Map<SourceFacts, RangeSource>();

  /** `facts`: the download's sources as they are now (they follow the request's URL list). */
  constructor(
    private readonly facts: () => readonly SourceFacts[],
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {
    this.refresh();
  }

  /** The runtime of one source's facts. */
  of(facts: SourceFacts): RangeSource {
    let source = this.runtime.get(facts);
    if (!source) {
      source = { facts, host: hostOf(facts.finalUrl ?? facts.url), connections: 0, speed: 0, removed: false };
      this.runtime.set(facts, source);
    }
    return source;
  }

  /** Follows the URL list: sources added get a runtime, sources taken out are marked removed. */
  refresh(): RangeSource[] {
    const now = this.facts();
    for (const facts of now) this.of(facts);
    for (const [facts, source] of this.runtime) source.removed = !now.includes(facts);
    return now.map((facts) => this.of(facts));
  }

  /** Sources that may still be asked: neither dropped nor removed. */
  live(): RangeSource[] {
    return this.refresh().filter((s) => !s.removed && isLive(s.facts));
  }

  /**
   * The source for a connection's next range, or undefined when none may be asked now. Sources
   * whose bytes were not compared yet qualify only when `checkable` (there are bytes to compare
   * with; connections that choose one wait for its one comparison, source-seats.ts). `seat`: the source the connection asks now,
   * which its own connection does not crowd.
   */
  choose(checkable: boolean, seat?: RangeSource): RangeSource | undefined {
    const usable = this.live().filter((s) => (s.facts.verified ? ifRangeValidator(s.facts) !== undefined : checkable) || s === seat);
    const scores = usable.map((s) => ({ connections: s.connections - (s === seat ? 1 : 0), speed: s.speed }));
    const index = chooseBySpeed(scores, seat ? usable.indexOf(seat) : undefined);
    return index === undefined ? undefined : usable[index];
  }

  /** Whether another source than this one may still be asked. */
  othersLive(source: RangeSource): boolean {
    return this.live().some((s) => s !== source);
  }

  /**
   * Drops a failing source for the rest of this transfer, unless it is the last one (that failure
   * is the transfer's). Returns whether it was dropped.
   */
  drop(source: RangeSource, reason: string): boolean {
    if (!isLive(source.facts)) return true;
    if (!this.othersLive(source)) return false;
    source.facts.dropped = reason;
    this.log('warn', `${source.facts.url} is not used any more for this download: ${reason}`);
    return true;
  }

  /** Each source's speed per connection from its connections' current speeds (bytes per second). */
  sampleSpeeds(perConnection: ReadonlyMap<RangeSource, number[]>): void {
    for (const [source, speeds] of perConnection) {
      const known = speeds.filter((s) => s > 0);
      if (known.length === 0) continue;
      const mean = known.reduce((a, b) => a + b, 0) / known.length;
      source.speed = source.speed === 0 ? mean : source.speed + SPEED_SMOOTHING * (mean - source.speed);
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
