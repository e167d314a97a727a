// Which source (URL) each connection of a segmented download sits on, and the host budget it claims
// there. A connection moves to a better source before a range request (a mirror not measured yet,
// a faster one) or must move because its own was dropped; a source whose bytes were not compared
// with the file's yet is compared once, and every connection that wants it waits for that one
// comparison. Kept apart from MultiConnection, which schedules connections and ranges and asks here.
import type { TransferFailure } from '../types';
import { failure } from './failures';
import type { HostConnectionPool } from './host-pool';
import type { Connection } from './range-connection';
import type { RangeSource, RangeSources } from './range-sources';
import type { RangeLease } from './segment-table';
import type { SourceVerdict } from './source-check';
import type { SourceFacts } from '../types';
import { isLive } from './source-facts';

/** Where a connection asks: its source, its claim on that source's host budget, the range it works on. */
export interface Seat {
  source: RangeSource;
  release: () => void;
  lease?: RangeLease;
}

export interface SeatDeps {
  sources: RangeSources;
  pool: HostConnectionPool;
  /** Compares a source's bytes with the written ranges (source-check.ts). */
  check(source: SourceFacts, written: [number, number][], signal: AbortSignal): Promise<SourceVerdict>;
  written(): [number, number][];
  /** The whole download's signal: a comparison shared by connections outlives any one of them. */
  signal: AbortSignal;
  log(level: 'info' | 'warn', message: string): void;
}

/** What a connection does after readying its source. */
export type Readiness =
  | 'ready'
  /** Its source was dropped: the range waits for the next source. */
  | 'again'
  /** No source can take it now: the connection ends. */
  | 'end'
  /** The source refused (the caller decides: drop, fewer connections, or fail). */
  | { refused: TransferFailure }
  /** The last source left serves another file. */
  | { differs: TransferFailure };

export class SourceSeats {
  private readonly seats = new Map<Connection, Seat>();
  /** One comparison per source at a time, shared by the connections that want it. */
  private readonly checks = new Map<RangeSource, Promise<SourceVerdict>>();

  constructor(private readonly d: SeatDeps) {}

  get(conn: Connection): Seat {
    return this.seats.get(conn)!;
  }

  all(): IterableIterator<[Connection, Seat]> {
    return this.seats.entries();
  }

  /** A seat on `source` for a connection about to start, with the budget already claimed. */
  take(source: RangeSource, release: () => void): Seat {
    source.connections += 1;
    return { source, release };
  }

  sit(conn: Connection, seat: Seat): void {
    this.seats.set(conn, seat);
  }

  leave(conn: Connection): void {
    const seat = this.seats.get(conn);
    if (!seat) return;
    seat.release();
    seat.source.connections -= 1;
    this.seats.delete(conn);
  }

  /** This download's connections on a host (its sources there together). */
  onHost(host: string): number {
    let n = 0;
    for (const seat of this.seats.values()) if (seat.source.host === host) n += 1;
    return n;
  }

  /** Whether another connection than `conn` works on the same source. */
  othersOn(conn: Connection, source: RangeSource): boolean {
    for (const [c, seat] of this.seats) if (c !== conn && seat.source === source && !c.yielded) return true;
    return false;
  }

  /**
   * Before a range request: the connection moves to the best source with room, and a source not
   * compared yet is compared first. `checkable`: bytes are written that a comparison can use.
   */
  async ready(conn: Connection, checkable: boolean, signal: AbortSignal): Promise<Readiness> {
    const seat = this.get(conn);
    const usable = !seat.source.removed && isLive(seat.source.facts);
    const best = this.d.sources.choose(checkable, usable ? seat.source : undefined);
    if (!best) return 'end';
    if (best !== seat.source && !this.move(conn, seat, best, !usable) && !usable) return 'end';
    const { source } = this.get(conn);
    if (source.facts.verified) return 'ready';
    let check = this.checks.get(source);
    if (!check) {
      check = this.d.check(source.facts, this.d.written(), this.d.signal).then((verdict) => {
        if (verdict.kind === 'same') this.d.log('info', `${source.facts.url} serves the same file (its bytes agree with the ones already downloaded)`);
        return verdict;
      });
      this.checks.set(source, check);
      void check.finally(() => this.checks.delete(source)).catch(() => undefined);
    }
    const verdict = await check;
    if (signal.aborted) return 'end';
    if (verdict.kind === 'same') return 'ready';
    const reason = verdict.kind === 'differs' ? verdict.reason : verdict.failure.error.message;
    if (this.d.sources.drop(source, reason)) return 'again';
    if (verdict.kind === 'failed') return { refused: verdict.failure };
    return { differs: failure('RESPONSE_MISMATCH', `${source.facts.url}: ${reason}`, true) };
  }

  /** Moves a connection's seat to another source, claiming room on its host; `force`: its own source is gone. */
  private move(conn: Connection, seat: Seat, to: RangeSource, force: boolean): boolean {
    let release = seat.release;
    if (to.host !== seat.source.host) {
      const claimed = this.d.pool.tryClaim(to.host, this.onHost(to.host)) ?? (force ? this.d.pool.claimFirst(to.host) : undefined);
      if (!claimed) return false;
      seat.release();
      release = claimed;
    }
    seat.source.connections -= 1;
    to.connections += 1;
    this.seats.set(conn, { source: to, release, ...(seat.lease ? { lease: seat.lease } : {}) });
    return true;
  }

  /**
   * Which of the `working` connections to close, the last opened first: `over` above what helps,
   * those above a host's fair share of its budget (another transfer arrived), and those on a URL
   * taken out of the download's list.
   */
  toClose(working: readonly Connection[], over: number, fairShare: (host: string) => number): Connection[] {
    const overOnHost = new Map<string, number>();
    for (const conn of working) {
      const host = this.get(conn).source.host;
      overOnHost.set(host, (overOnHost.get(host) ?? -fairShare(host)) + 1);
    }
    const closing: Connection[] = [];
    for (const conn of [...working].reverse()) {
      const { source } = this.get(conn);
      const overHere = overOnHost.get(source.host)!;
      if (over <= 0 && overHere <= 0 && !source.removed) continue;
      closing.push(conn);
      over -= 1;
      overOnHost.set(source.host, overHere - 1);
    }
    return closing;
  }

  /** Each source's speed per connection, from the ranges its connections hold. */
  sampleSpeeds(): void {
    const speeds = new Map<RangeSource, number[]>();
    for (const seat of this.seats.values()) {
      if (!seat.lease?.held) continue;
      const list = speeds.get(seat.source) ?? [];
      list.push(seat.lease.speed);
      speeds.set(seat.source, list);
    }
    this.d.sources.sampleSpeeds(speeds);
  }

  /**
   * While a mirror waits for bytes to be compared with, the sources already usable take no more
   * than their share of `wanted`: the mirror gets connections as soon as it can be checked.
   */
  holdForUnchecked(open: number, wanted: number, checkable: boolean): boolean {
    if (checkable) return false;
    const live = this.d.sources.live();
    if (!live.some((s) => !s.facts.verified)) return false;
    return open >= Math.ceil(wanted / live.length);
  }
}
