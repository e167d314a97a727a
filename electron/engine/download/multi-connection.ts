// One segmented download attempt: several connections fill one preallocated .part, each at its
// own range. Every rule of a single connection holds per range: a 206 whose Content-Range starts
// exactly where we asked, the same size and validators (If-Range is sent on every request), no
// bytes past the range, a stall watchdog, and offsets recorded only after fsync.
//
// Extra connections are a favour the server may refuse: a 429/503, a refused connection or a
// server that answers a range with a full body make us use fewer connections, never fail the
// transfer, as long as one connection still works.
// A download with mirrors asks several URLs: each connection sits on one of them (range-sources.ts
// spreads them by measured speed and drops a failing one while others remain), and a URL whose
// bytes were not compared with the file's yet is compared before its first range (source-check.ts).
// This file schedules the connections; how many (connection-policy.ts), which range each works
// on (segment-table.ts, which checks ranges out and in), which URL each asks (range-sources.ts,
// source-seats.ts), what it is given (segmented-options.ts) and how one of them reads its body
// (range-connection.ts) live beside it.
import { setMaxListeners } from 'node:events';
import type { TransferFailure } from '../types';
import { failure, isPartWriteError, networkFailure, stalledFailure } from './failures';
import { type OpenedResponse } from './http-request';
import { batchBytesFor } from './batch-writer';
import { CheckpointCadence } from './checkpoint-cadence';
import { RAMP_WINDOW_MS } from './connection-ramp';
import { ConnectionTarget } from './connection-policy';
import { newConnection, receiveRange, type Connection } from './range-connection';
import { MAX_CONNECTIONS } from './worker-settings';
import type { RangeLease, SegmentTable } from './segment-table';
import type { RangeSource, RangeSources } from './range-sources';
import { SourceSeats, type Seat } from './source-seats';

export type { RangeVerdict } from './range-verdict';
export type { SegmentedOptions } from './segmented-options';
import type { SegmentedOptions } from './segmented-options';

const TICK_MS = 250;

/** What a connection works on next: a held range, and the response already open for it, if any. */
interface Job {
  lease: RangeLease;
  opened?: OpenedResponse;
}

/** How one turn of a connection on its range ended. */
type Turn = 'again' | 'next' | 'end';

export class MultiConnection {
  private readonly table: SegmentTable;
  private readonly sources: RangeSources;
  private readonly connections = new Set<Connection>();
  private readonly seats: SourceSeats;
  private readonly stopAll = new AbortController();
  private readonly signal: AbortSignal;
  /** How many connections to use: refusals, the ramp and the host's budget decide. */
  private readonly count: ConnectionTarget;
  private fatal: unknown;
  private lastError: unknown;
  private readonly cadence: CheckpointCadence;
  private finished!: () => void;
  private readonly allDone = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(private readonly o: SegmentedOptions) {
    this.table = o.table;
    this.sources = o.sources;
    const log = (level: 'info' | 'warn', message: string): void => o.log(level, message);
    this.count = new ConnectionTarget(o.maxConnections, o.connectionsAsked ?? false, Date.now(), this.writtenTotal(), log);
    this.signal = AbortSignal.any([o.signal, this.stopAll.signal]);
    // Each open connection listens on it (up to 32): not a leak, and no warning on the user's stderr.
    setMaxListeners(4 * MAX_CONNECTIONS, this.signal);
    this.seats = new SourceSeats({
      sources: o.sources,
      pool: o.pool,
      check: (source, written, signal) => o.check(source, written, signal),
      written: () => this.table.writtenRanges(),
      signal: this.signal,
      log,
    });
    this.cadence = new CheckpointCadence(o.checkpointIntervalMs, () => this.checkpoint(), (err) => this.stop(err));
  }

  /** Resolves when every byte is written and recorded as durable; rejects with the reason otherwise. */
  async run(): Promise<void> {
    // Often enough for the ramp's short windows and the stall check; each tick is cheap. It runs
    // once the bytes already waiting in sockets were read (setImmediate comes after the event
    // loop's I/O): after a stall of this thread (a GC, a loaded machine), a connection whose bytes
    // were there all along must not look quiet to the ramp.
    let ticking = true;
    const ticker = setInterval(() => setImmediate(() => ticking && this.tick()), Math.min(TICK_MS, this.o.checkpointIntervalMs / 2, RAMP_WINDOW_MS / 2));
    this.cadence.start();
    try {
      this.startFirst();
      this.openMore();
      if (this.connections.size > 0) await this.allDone;
    } finally {
      ticking = false;
      clearInterval(ticker);
      await this.cadence.stop();
      // Whatever stopped us, what reached the disk is real progress: make it durable and record it.
      await this.checkpoint().catch((err: unknown) => {
        this.fatal ??= err;
      });
    }
    if (this.o.signal.aborted) return;
    if (this.fatal) throw this.fatal;
    if (!this.table.complete) {
      throw this.lastError ?? failure('NETWORK', 'Every connection closed before the download was complete', true);
    }
  }

  /** The first connection: the probe's response, else a range of the resume data from the best source. */
  private startFirst(): void {
    if (this.o.first) {
      const source = this.sources.of(this.o.first.source);
      this.startConnection(this.seats.take(source, this.o.pool.claimFirst(source.host)), { lease: this.table.checkOutFirst(), opened: this.o.first.opened });
      return;
    }
    const source = this.sources.choose(this.checkable());
    if (!source) {
      this.lastError = failure('NETWORK', 'None of the download\'s URLs can continue it', true);
      return;
    }
    const lease = this.table.checkOut();
    if (lease) this.startConnection(this.seats.take(source, this.o.pool.claimFirst(source.host)), { lease });
  }

  /** Opens connections up to the target while there is work and the hosts' budgets allow. */
  private openMore(): void {
    const starts: { seat: Seat; lease: RangeLease }[] = [];
    const open = (): number => this.connections.size + starts.length;
    // Several opening at once share the ranges out as equal parts (segment-plan.ts, kept()).
    const together = this.count.wanted - this.connections.size > 1;
    while (!this.signal.aborted && this.connections.size > 0 && open() < this.count.wanted) {
      const source = this.sources.choose(this.checkable());
      if (!source || this.seats.holdForUnchecked(open(), this.count.wanted, this.checkable())) break;
      const release = this.o.pool.tryClaim(source.host, this.seats.onHost(source.host));
      if (!release) break;
      const lease = this.table.checkOut(0, together);
      if (!lease) {
        release();
        break;
      }
      starts.push({ seat: this.seats.take(source, release), lease });
    }
    // Every split is made before any of these requests goes out: a request sent at once would ask
    // for a range that the next split shortens, and the server (nginx's limit_rate lets a second's
    // worth through at once) has already pushed the bytes past the new end, which are thrown away.
    for (const { seat, lease } of starts) this.startConnection(seat, { lease });
  }

  /** A source whose bytes were not compared yet can be, once some bytes are written. */
  private checkable(): boolean {
    return this.table.writtenTotal() > 0;
  }

  private startConnection(seat: Seat, start: Job): void {
    const conn = newConnection();
    this.connections.add(conn);
    this.seats.sit(conn, seat);
    void this.work(conn, start)
      // work() settles its own errors; anything else is a bug that must stop this attempt, not the process.
      .catch((err: unknown) => this.stop(err))
      .finally(() => {
        this.seats.leave(conn);
        this.connections.delete(conn);
        if (this.connections.size === 0) this.finished();
      });
  }

  /**
   * One connection: work on a range, then check out the next, until nothing is left worth taking.
   * Its range goes back to the table in one place, whatever ended the turn.
   */
  private async work(conn: Connection, first: Job): Promise<void> {
    let job: Job | undefined = first;
    while (job && !this.signal.aborted) {
      const lease: RangeLease = job.lease;
      this.seats.get(conn).lease = lease;
      let turn: Turn = 'end';
      try {
        turn = await this.turn(conn, job);
      } finally {
        if (turn !== 'again') lease.release();
      }
      if (turn === 'end') return;
      // The response ended early: ask again for the rest; else take new work.
      job = turn === 'again' ? { lease } : this.nextJob(lease.speed);
    }
    // Stopped before working on what it held.
    if (job) job.lease.release();
  }

  /** `takerSpeed`: the smoothed speed of the range the connection just finished (0: unknown). */
  private nextJob(takerSpeed: number): Job | undefined {
    const lease = this.table.checkOut(takerSpeed);
    return lease ? { lease } : undefined;
  }

  /** One response on the connection's range; settles its own errors into how the turn ended. */
  private async turn(conn: Connection, job: Job): Promise<Turn> {
    const { lease } = job;
    const writtenBefore = lease.written;
    try {
      const opened = job.opened ?? (await this.open(conn, lease));
      if (opened === 'again') return 'again'; // its source was dropped: the range goes to another source
      if (!opened) return 'end'; // refused: this connection ends, the range waits for another
      await this.receive(conn, lease, opened);
      if (conn.yielded) return 'end';
      if (conn.stalled) throw stalledFailure(this.o.stallTimeoutMs);
      if (lease.remaining > 0 && lease.written === writtenBefore && !this.signal.aborted) {
        throw failure('NETWORK', 'The server closed the connection without sending the range', true);
      }
    } catch (err) {
      if ((this.signal.aborted && !conn.stalled) || conn.yielded) return 'end';
      const reason = conn.stalled ? stalledFailure(this.o.stallTimeoutMs) : networkFailure(err, this.o.stallTimeoutMs);
      if (isPartWriteError(err)) {
        this.stop(err);
        return 'end';
      }
      this.lastError = reason;
      const { source } = this.seats.get(conn);
      // Nothing came from this source: a source that fails while others remain is dropped.
      if (lease.written === writtenBefore && this.sources.drop(source, reason.error.message)) return 'again';
      if (this.connections.size <= 1) return lease.written > writtenBefore && this.sources.othersLive(source) ? 'again' : 'end';
      if (lease.written === writtenBefore) this.useFewer(reason.error.message);
      else this.o.log('warn', `A connection ended: ${reason.error.message}; its range goes to another`);
      return 'end';
    }
    return lease.remaining > 0 ? 'again' : 'next';
  }

  /**
   * Sends the range request to the connection's source; undefined when the server refused this
   * extra connection, 'again' when the source was dropped (or none is ready) and the range waits
   * for the next one.
   */
  private async open(conn: Connection, lease: RangeLease): Promise<OpenedResponse | 'again' | undefined> {
    const signal = AbortSignal.any([this.signal, conn.controller.signal]);
    const ready = await this.seats.ready(conn, this.checkable(), signal);
    if (ready === 'again') return 'again';
    if (ready === 'end') return undefined;
    if (ready !== 'ready') {
      if ('refused' in ready) return this.refused(conn, this.seats.get(conn).source, ready.refused);
      // The last source left serves another file: nothing on disk can be continued from it.
      this.stop(ready.differs);
      throw ready.differs;
    }
    const { source } = this.seats.get(conn);
    const from = lease.nextOffset;
    let opened: OpenedResponse;
    try {
      opened = await this.o.openRange(source.facts, from, lease.end, signal);
    } catch (err) {
      if (conn.yielded) return undefined; // closed on purpose (budget or ramp), not refused
      if (this.signal.aborted) throw err;
      return this.refused(conn, source, networkFailure(err, this.o.stallTimeoutMs));
    }
    const verdict = await this.o.judge(source.facts, opened, from);
    if (verdict.kind === 'ok') return opened;
    opened.stream.destroy();
    if (verdict.kind === 'fatal') {
      // This source's file is not the one on disk; another source may still finish it.
      if (this.sources.drop(source, verdict.failure.error.message)) return 'again';
      this.stop(verdict.failure);
      throw verdict.failure;
    }
    return this.refused(conn, source, verdict.failure);
  }

  /**
   * A source refused a connection. It is dropped when no other connection of it works, or when it
   * refused for good (403, 404), while other sources remain; else the download uses one
   * connection fewer, as with one URL.
   */
  private refused(conn: Connection, source: RangeSource, why: TransferFailure): 'again' | undefined {
    const alone = !this.seats.othersOn(conn, source);
    if ((alone || !why.error.retryable) && this.sources.drop(source, why.error.message)) return 'again';
    if (this.connections.size > 1) {
      this.useFewer(why.error.message);
      return undefined;
    }
    throw why;
  }

  private receive(conn: Connection, lease: RangeLease, opened: OpenedResponse): Promise<void> {
    return receiveRange(conn, lease, opened, {
      handle: this.o.handle,
      signal: this.signal,
      // The held-bytes budget is shared by the connections in use, not the most we might open: a
      // download that stays on one connection writes in 1 MiB steps (0.1 s less CPU per GiB than 512 KiB).
      batchBytes: batchBytesFor(this.count.wanted),
      throttle: (bytes, s) => this.o.throttle(bytes, s),
      onWritten: () => this.o.progress(this.table.writtenTotal()),
    });
  }

  private useFewer(why: string): void {
    this.count.refused(this.connections.size, why);
  }

  /** When the newest byte arrived on any connection; undefined while our speed limit or the disk holds one back. */
  private lastByteAt(): number | undefined {
    let newest = -Infinity;
    for (const c of this.connections) {
      if (c.throttled || c.waitingForDisk) return undefined;
      if (!c.yielded) newest = Math.max(newest, c.lastByteAt);
    }
    return newest === -Infinity ? undefined : newest;
  }

  private working(): number {
    let n = 0;
    for (const c of this.connections) if (!c.yielded) n += 1;
    return n;
  }

  /**
   * Close connections above our share of a host's budget (another transfer arrived) or above
   * what helps (more connections did not make it faster), and those on a URL taken out of the list.
   */
  private keepToShare(): void {
    const working = [...this.connections].filter((c) => !c.yielded);
    for (const conn of this.seats.toClose(working, working.length - this.count.keep(Infinity), (host) => this.o.pool.fairShare(host))) {
      conn.yielded = true;
      conn.controller.abort();
    }
  }

  private stop(reason: unknown): void {
    this.fatal ??= reason;
    this.stopAll.abort();
  }

  private tick(): void {
    const now = Date.now();
    for (const conn of this.connections) {
      if (!conn.throttled && now - conn.lastByteAt >= this.o.stallTimeoutMs && !conn.stalled) {
        conn.stalled = true;
        conn.controller.abort();
      }
    }
    this.table.sampleSpeeds(now);
    this.seats.sampleSpeeds();
    this.count.update(now, this.writtenTotal(), this.working(), this.lastByteAt());
    this.keepToShare();
    this.openMore();
  }

  /**
   * Write what the connections hold, fsync, then record what was written before it: the recorded
   * counts are always on disk, and they reach up to the bytes that had arrived when it started.
   */
  private async checkpoint(): Promise<void> {
    await Promise.all([...this.connections].map((conn) => conn.writeHeld?.()));
    await this.table.makeDurable(() => this.o.handle.datasync());
    await this.o.record(this.table.resumeData(), this.connections.size);
  }

  private writtenTotal(): number {
    return this.table.writtenTotal();
  }
}
