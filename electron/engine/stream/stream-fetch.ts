// The segments of a stream over several connections, each segment into its own file. The
// connection count follows the segmented downloads' rules (connection-policy.ts): the ramp starts
// with one and opens the rest where one connection is slow (a server capping each connection),
// the host's budget is shared with every other download of the engine, a 429/503 or a refused
// connection means one connection fewer. Each connection takes the first segment nobody holds,
// fetches it (item-fetch.ts), fsyncs it, and takes the next. A checkpoint writes what the
// connections hold, fsyncs the segments in flight and records their bytes, so a kill costs what
// arrived since the last one (checkpoint-cadence.ts says when they run).
import { setMaxListeners } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { batchBytesFor } from '../download/batch-writer';
import { CheckpointCadence } from '../download/checkpoint-cadence';
import { ConnectionTarget } from '../download/connection-policy';
import { RAMP_WINDOW_MS } from '../download/connection-ramp';
import { failure, isPartWriteError, networkFailure, stalledFailure } from '../download/failures';
import type { HostConnectionPool } from '../download/host-pool';
import { newConnection, type Connection } from '../download/range-connection';
import { ifRangeValidator } from '../download/response-check';
import { MAX_CONNECTIONS } from '../download/worker-settings';
import { TransferFailure, type Throttle } from '../types';
import { fetchItem } from './item-fetch';
import type { FetchItem } from './stream-plan';
import type { DownloadHeaders } from '../download/request-headers';
import type { Agent } from 'node:http';

/** One fetch item while a stream downloads. */
export interface LiveItem {
  track: number;
  index: number;
  item: FetchItem;
  /** "Segment 4 of 15", "Init section of the audio", for messages. */
  label: string;
  path: string;
  done: boolean;
  busy: boolean;
  /** Bytes in the file (not all durable). */
  written: number;
  /** Bytes fsync'd before this number was set. */
  durable: number;
  /** The item's full size, once known. */
  size?: number;
  etag?: string;
  lastModified?: string;
  handle?: FileHandle;
}

export interface StreamFetchOptions {
  items: LiveItem[];
  /** The request headers of every item (the user's go where origin-headers.ts says, hop by hop). */
  headers: DownloadHeaders;
  /** The attempt's way to the network (its proxy). */
  agent?: Agent;
  maxConnections: number;
  connectionsAsked: boolean;
  host: string;
  pool: HostConnectionPool;
  signal: AbortSignal;
  stallTimeoutMs: number;
  checkpointIntervalMs: number;
  throttle: Throttle;
  /** Bytes of every item written so far (complete ones and partial ones). */
  progress(bytesWritten: number): void;
  /** Persist the items' state; called only when what they say is durable. */
  record(connections: number): Promise<void>;
  log(level: 'info' | 'warn', message: string): void;
}

const TICK_MS = 250;
/**
 * Bytes written but not yet recorded that make a checkpoint start at once instead of at the next
 * interval: however fast the server sends (a burst into socket buffers, an uncapped connection),
 * a kill costs about this much plus what arrives during one checkpoint.
 */
const UNRECORDED_BYTES = 1 << 20;

export class StreamFetch {
  private readonly connections = new Set<Connection>();
  private readonly stopAll = new AbortController();
  private readonly signal: AbortSignal;
  private readonly count: ConnectionTarget;
  private fatal: unknown;
  private lastError: TransferFailure | undefined;
  private readonly cadence: CheckpointCadence;
  /** `bytes` at the last checkpoint's start. */
  private recordedBytes = 0;
  private finished!: () => void;
  private readonly allDone = new Promise<void>((resolve) => (this.finished = resolve));
  private bytes: number;

  constructor(private readonly o: StreamFetchOptions) {
    this.bytes = o.items.reduce((sum, live) => sum + (live.done ? (live.size ?? 0) : live.durable), 0);
    this.recordedBytes = this.bytes;
    this.count = new ConnectionTarget(o.maxConnections, o.connectionsAsked, Date.now(), this.bytes, (level, message) => o.log(level, message));
    this.signal = AbortSignal.any([o.signal, this.stopAll.signal]);
    setMaxListeners(4 * MAX_CONNECTIONS, this.signal);
    this.cadence = new CheckpointCadence(o.checkpointIntervalMs, () => this.checkpoint(), (err) => this.stop(err));
  }

  /** Resolves when every item is complete and durable; rejects with the reason otherwise. */
  async run(): Promise<void> {
    const ticker = setInterval(() => this.tick(), Math.min(TICK_MS, this.o.checkpointIntervalMs / 2, RAMP_WINDOW_MS / 2));
    this.cadence.start();
    try {
      const first = this.take();
      if (first) this.startConnection(this.o.pool.claimFirst(this.o.host), first);
      this.openMore();
      if (this.connections.size > 0) await this.allDone;
    } finally {
      clearInterval(ticker);
      await this.cadence.stop();
      await this.checkpoint().catch((err: unknown) => {
        this.fatal ??= err;
      });
    }
    if (this.o.signal.aborted) return;
    if (this.fatal) throw this.fatal;
    if (this.o.items.some((live) => !live.done)) {
      throw this.lastError ?? failure('NETWORK', 'Every connection closed before the stream was complete', true);
    }
  }

  private take(): LiveItem | undefined {
    const live = this.o.items.find((l) => !l.done && !l.busy);
    if (live) live.busy = true;
    return live;
  }

  private openMore(): void {
    while (!this.signal.aborted && this.connections.size > 0 && this.connections.size < this.count.wanted) {
      const release = this.o.pool.tryClaim(this.o.host, this.connections.size);
      if (!release) return;
      const live = this.take();
      if (!live) {
        release();
        return;
      }
      this.startConnection(release, live);
    }
  }

  private startConnection(release: () => void, first: LiveItem): void {
    const conn = newConnection();
    this.connections.add(conn);
    void this.work(conn, first)
      .catch((err: unknown) => this.stop(err))
      .finally(() => {
        release();
        this.connections.delete(conn);
        if (this.connections.size === 0) this.finished();
      });
  }

  private async work(conn: Connection, first: LiveItem): Promise<void> {
    let live: LiveItem | undefined = first;
    while (live && !this.signal.aborted) {
      const before = live.written;
      try {
        await this.fetchOne(conn, live);
      } catch (err) {
        live.busy = false;
        if ((this.signal.aborted && !conn.stalled) || conn.yielded) return;
        if (isPartWriteError(err)) return this.stop(err);
        const reason = conn.stalled ? stalledFailure(this.o.stallTimeoutMs) : err instanceof TransferFailure ? err : networkFailure(err, this.o.stallTimeoutMs);
        if (!reason.error.retryable) return this.stop(reason);
        this.lastError = reason;
        if (this.connections.size <= 1) return;
        if (live.written <= before) this.count.refused(this.connections.size, reason.error.message);
        else this.o.log('warn', `A connection ended: ${reason.error.message}; its segment goes to another`);
        return;
      }
      live.busy = false;
      live = this.take();
    }
    if (live && !live.done) live.busy = false;
  }

  private async fetchOne(conn: Connection, live: LiveItem): Promise<void> {
    const handle = await open(live.path, live.durable > 0 ? 'r+' : 'w').catch(() => {
      // The partial file went missing: the item starts over.
      this.bytes -= live.durable;
      live.durable = 0;
      return open(live.path, 'w');
    });
    live.handle = handle;
    try {
      await handle.truncate(live.durable);
      this.bytes -= live.written - live.durable;
      live.written = live.durable;
      const fetched = await fetchItem({
        item: live.item,
        from: live.durable,
        validator: ifRangeValidator(live),
        headers: this.o.headers,
        ...(this.o.agent ? { agent: this.o.agent } : {}),
        handle,
        conn,
        signal: this.signal,
        stallTimeoutMs: this.o.stallTimeoutMs,
        throttle: this.o.throttle,
        batchBytes: batchBytesFor(this.count.wanted),
        label: live.label,
        answered: (validators) => {
          live.etag = validators.etag;
          live.lastModified = validators.lastModified;
        },
        restarted: () => {
          this.bytes -= live.written;
          live.written = 0;
          live.durable = 0;
        },
        written: (n) => {
          live.written += n;
          this.bytes += n;
          this.o.progress(this.bytes);
          if (this.bytes - this.recordedBytes >= UNRECORDED_BYTES) this.cadence.request();
        },
      });
      await handle.datasync();
      live.durable = live.written;
      live.size = fetched.size;
      live.done = true;
      // A finished segment is recorded at once: a kill right after it must not cost it.
      this.cadence.request();
    } catch (err) {
      // What reached the file is progress: durable now, recorded at the next checkpoint.
      await handle
        .datasync()
        .then(() => {
          live.durable = Math.max(live.durable, live.written);
        })
        .catch(() => undefined);
      throw err;
    } finally {
      live.handle = undefined;
      await handle.close().catch(() => undefined);
    }
  }

  private working(): number {
    let n = 0;
    for (const c of this.connections) if (!c.yielded) n += 1;
    return n;
  }

  /** Close connections above the share of the host's budget or above what helps (the segment goes back). */
  private keepToShare(): void {
    let over = this.working() - this.count.keep(this.o.pool.fairShare(this.o.host));
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
      if (!conn.throttled && !conn.stalled && now - conn.lastByteAt >= this.o.stallTimeoutMs) {
        conn.stalled = true;
        conn.controller.abort();
      }
    }
    this.count.update(now, this.bytes, this.working());
    this.keepToShare();
    this.openMore();
  }

  /**
   * Write what the connections hold, fsync the items in flight, then record: the recorded counts
   * are always on disk, and they reach up to the bytes that had arrived when it started.
   */
  private async checkpoint(): Promise<void> {
    await Promise.all([...this.connections].map((conn) => conn.writeHeld?.()));
    this.recordedBytes = this.bytes;
    const inFlight = this.o.items.filter((live) => live.handle && !live.done).map((live) => [live, live.handle!, live.written] as const);
    await Promise.all(
      inFlight.map(([live, handle, written]) =>
        handle.datasync().then(
          () => {
            live.durable = Math.max(live.durable, Math.min(written, live.written));
          },
          () => undefined, // closed meanwhile: the connection fsync'd it itself
        ),
      ),
    );
    await this.o.record(this.connections.size);
  }
}
