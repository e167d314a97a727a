// One segmented download attempt: several connections fill one preallocated .part, each at its
// own range. Every rule of a single connection holds per range: a 206 whose Content-Range starts
// exactly where we asked, the same size and validators (If-Range is sent on every request), no
// bytes past the range, a stall watchdog, and offsets recorded only after fsync.
//
// Extra connections are a favour the server may refuse: a 429/503, a refused connection or a
// server that answers a range with a full body make us use fewer connections, never fail the
// transfer, as long as one connection still works.
// This file schedules the connections; how many (connection-policy.ts) and how one of them
// reads its body (range-connection.ts) live beside it.
import { setMaxListeners } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { ByteSegment, Throttle } from '../types';
import { failure, isPartWriteError, networkFailure, stalledFailure } from './failures';
import type { HostConnectionPool } from './host-pool';
import { type OpenedResponse } from './http-request';
import { batchBytesFor } from './batch-writer';
import { CheckpointCadence } from './checkpoint-cadence';
import { RAMP_WINDOW_MS } from './connection-ramp';
import { ConnectionTarget } from './connection-policy';
import { newConnection, receiveRange, type Connection } from './range-connection';
import type { RangeVerdict } from './range-verdict';
import { MAX_CONNECTIONS } from './worker-settings';
import { remaining, resumeSegments, SegmentSpeeds, takeWork, type LiveSegment } from './segment-plan';

export type { RangeVerdict } from './range-verdict';

export interface SegmentedOptions {
  handle: FileHandle;
  total: number;
  segments: LiveSegment[];
  /** A response already open at the start of `segments[firstIndex]` (the probe's body). */
  first?: { opened: OpenedResponse; segment: LiveSegment };
  openRange(start: number, endExclusive: number, signal: AbortSignal): Promise<OpenedResponse>;
  judge(opened: OpenedResponse, start: number): Promise<RangeVerdict>;
  maxConnections: number;
  /** The user named the count (`--connections`, a per-transfer override): open it at once. */
  connectionsAsked?: boolean;
  minSplit: number;
  host: string;
  pool: HostConnectionPool;
  signal: AbortSignal;
  stallTimeoutMs: number;
  checkpointIntervalMs: number;
  throttle: Throttle;
  progress(bytesWritten: number): void;
  /** Persist resume data; called only with durable counts. */
  record(segments: ByteSegment[], connections: number): Promise<void>;
  log(level: 'info' | 'warn', message: string): void;
}

const TICK_MS = 250;

export class SegmentedDownload {
  private readonly segments: LiveSegment[];
  private readonly connections = new Set<Connection>();
  private readonly stopAll = new AbortController();
  private readonly signal: AbortSignal;
  /** How many connections to use: refusals, the ramp and the host's budget decide. */
  private readonly count: ConnectionTarget;
  private fatal: unknown;
  private lastError: unknown;
  private readonly cadence: CheckpointCadence;
  private finished!: () => void;
  private readonly allDone = new Promise<void>((resolve) => (this.finished = resolve));
  private readonly speeds = new SegmentSpeeds();

  constructor(private readonly o: SegmentedOptions) {
    this.segments = o.segments;
    const log = (level: 'info' | 'warn', message: string): void => o.log(level, message);
    this.count = new ConnectionTarget(o.maxConnections, o.connectionsAsked ?? false, Date.now(), this.writtenTotal(), log);
    this.signal = AbortSignal.any([o.signal, this.stopAll.signal]);
    // Each open connection listens on it (up to 32): not a leak, and no warning on the user's stderr.
    setMaxListeners(4 * MAX_CONNECTIONS, this.signal);
    this.cadence = new CheckpointCadence(o.checkpointIntervalMs, () => this.checkpoint(), (err) => this.stop(err));
  }

  /** Resolves when every byte is written and recorded as durable; rejects with the reason otherwise. */
  async run(): Promise<void> {
    // Often enough for the ramp's short windows and the stall check; each tick is cheap.
    const ticker = setInterval(() => this.tick(), Math.min(TICK_MS, this.o.checkpointIntervalMs / 2, RAMP_WINDOW_MS / 2));
    this.cadence.start();
    try {
      const releaseFirst = this.o.pool.claimFirst(this.o.host);
      if (this.o.first) {
        this.o.first.segment.busy = true;
        this.startConnection(releaseFirst, this.o.first);
      } else {
        const segment = this.take();
        if (!segment) releaseFirst();
        else this.startConnection(releaseFirst, { segment });
      }
      this.openMore();
      if (this.connections.size > 0) await this.allDone;
    } finally {
      clearInterval(ticker);
      await this.cadence.stop();
      // Whatever stopped us, what reached the disk is real progress: make it durable and record it.
      await this.checkpoint().catch((err: unknown) => {
        this.fatal ??= err;
      });
    }
    if (this.o.signal.aborted) return;
    if (this.fatal) throw this.fatal;
    if (this.segments.some((s) => remaining(s) > 0)) {
      throw this.lastError ?? failure('NETWORK', 'Every connection closed before the download was complete', true);
    }
  }

  /** `takerSpeed`: the smoothed speed of the range the taking connection just finished (0: unknown). */
  private take(takerSpeed = 0): LiveSegment | undefined {
    const index = takeWork(this.segments, this.o.minSplit, takerSpeed);
    return index === undefined ? undefined : this.segments[index];
  }

  /** Opens connections up to the target while there is work and the host's budget allows. */
  private openMore(): void {
    const starts: { release: () => void; segment: LiveSegment }[] = [];
    const open = (): number => this.connections.size + starts.length;
    while (!this.signal.aborted && this.connections.size > 0 && open() < this.count.wanted) {
      const release = this.o.pool.tryClaim(this.o.host, open());
      if (!release) break;
      const segment = this.take();
      if (!segment) {
        release();
        break;
      }
      starts.push({ release, segment });
    }
    // Every split is made before any of these requests goes out: a request sent at once would ask
    // for a range that the next split shortens, and the server (nginx's limit_rate lets a second's
    // worth through at once) has already pushed the bytes past the new end, which are thrown away.
    for (const { release, segment } of starts) this.startConnection(release, { segment });
  }

  private startConnection(release: () => void, start: { segment: LiveSegment; opened?: OpenedResponse }): void {
    const conn = newConnection();
    this.connections.add(conn);
    void this.work(conn, start)
      // work() settles its own errors; anything else is a bug that must stop this attempt, not the process.
      .catch((err: unknown) => this.stop(err))
      .finally(() => {
        release();
        this.connections.delete(conn);
        if (this.connections.size === 0) this.finished();
      });
  }

  /** One connection: work on a range, then take the next, until nothing is left worth taking. */
  private async work(conn: Connection, first: { segment: LiveSegment; opened?: OpenedResponse }): Promise<void> {
    let next: { segment: LiveSegment; opened?: OpenedResponse } | undefined = first;
    while (next && !this.signal.aborted) {
      const segment: LiveSegment = next.segment;
      const writtenBefore = segment.written;
      try {
        const opened = next.opened ?? (await this.open(conn, segment));
        if (!opened) return; // refused: this connection ends, the segment waits for another
        await this.receive(conn, segment, opened);
        if (conn.yielded) {
          segment.busy = false;
          return;
        }
        if (conn.stalled) throw stalledFailure(this.o.stallTimeoutMs);
        if (remaining(segment) > 0 && segment.written === writtenBefore && !this.signal.aborted) {
          throw failure('NETWORK', 'The server closed the connection without sending the range', true);
        }
      } catch (err) {
        segment.busy = false;
        segment.issued = segment.start + segment.written;
        if ((this.signal.aborted && !conn.stalled) || conn.yielded) return;
        const reason = conn.stalled ? stalledFailure(this.o.stallTimeoutMs) : networkFailure(err, this.o.stallTimeoutMs);
        if (isPartWriteError(err)) return this.stop(err);
        this.lastError = reason;
        if (this.connections.size <= 1) return;
        if (segment.written === writtenBefore) this.useFewer(reason.error.message);
        else this.o.log('warn', `A connection ended: ${reason.error.message}; its range goes to another`);
        return;
      }
      // The response ended early: ask again for the rest; else take new work.
      next = remaining(segment) > 0 ? { segment } : undefined;
      if (!next) {
        segment.busy = false;
        const more = this.take(segment.speed);
        if (more) next = { segment: more };
      }
    }
  }

  /** Sends the range request; undefined when the server refused this extra connection. */
  private async open(conn: Connection, segment: LiveSegment): Promise<OpenedResponse | undefined> {
    const from = segment.start + segment.written;
    const signal = AbortSignal.any([this.signal, conn.controller.signal]);
    let opened: OpenedResponse;
    try {
      opened = await this.o.openRange(from, segment.end, signal);
    } catch (err) {
      if (conn.yielded) {
        segment.busy = false;
        return undefined; // closed on purpose (budget or ramp), not refused
      }
      if (this.connections.size > 1 && !this.signal.aborted) {
        segment.busy = false;
        this.useFewer(networkFailure(err, this.o.stallTimeoutMs).error.message);
        return undefined;
      }
      throw err;
    }
    const verdict = await this.o.judge(opened, from);
    if (verdict.kind === 'ok') return opened;
    opened.stream.destroy();
    if (verdict.kind === 'fatal') {
      this.stop(verdict.failure);
      throw verdict.failure;
    }
    if (this.connections.size > 1) {
      segment.busy = false;
      this.useFewer(verdict.failure.error.message);
      return undefined;
    }
    throw verdict.failure;
  }

  private receive(conn: Connection, segment: LiveSegment, opened: OpenedResponse): Promise<void> {
    return receiveRange(conn, segment, opened, {
      handle: this.o.handle,
      signal: this.signal,
      // The held-bytes budget is shared by the connections in use, not the most we might open: a
      // download that stays on one connection writes in 1 MiB steps (0.1 s less CPU per GiB than 512 KiB).
      batchBytes: batchBytesFor(this.count.wanted),
      throttle: (bytes, s) => this.o.throttle(bytes, s),
      onWritten: () => this.o.progress(this.writtenTotal()),
    });
  }

  private useFewer(why: string): void {
    this.count.refused(this.connections.size, why);
  }

  private working(): number {
    let n = 0;
    for (const c of this.connections) if (!c.yielded) n += 1;
    return n;
  }

  /**
   * Close connections above our share of the host's budget (another transfer arrived) or above
   * what helps (more connections did not make it faster).
   */
  private keepToShare(): void {
    let over = this.working() - this.count.keep(this.o.pool.fairShare(this.o.host));
    if (over <= 0) return;
    for (const conn of [...this.connections].reverse()) {
      if (over <= 0) break;
      if (conn.yielded) continue;
      conn.yielded = true;
      conn.controller.abort();
      over -= 1;
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
    this.speeds.sample(this.segments, now);
    this.count.update(now, this.writtenTotal(), this.working());
    this.keepToShare();
    this.openMore();
  }

  /**
   * Write what the connections hold, fsync, then record what was written before it: the recorded
   * counts are always on disk, and they reach up to the bytes that had arrived when it started.
   */
  private async checkpoint(): Promise<void> {
    await Promise.all([...this.connections].map((conn) => conn.writeHeld?.()));
    const snapshot = this.segments.map((s) => [s, s.written] as const);
    await this.o.handle.datasync();
    for (const [s, written] of snapshot) s.durable = Math.max(s.durable, written);
    await this.o.record(resumeSegments(this.segments), this.connections.size);
  }

  private writtenTotal(): number {
    let sum = 0;
    for (const s of this.segments) sum += s.written;
    return sum;
  }
}
