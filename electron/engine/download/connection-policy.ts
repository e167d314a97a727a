// How many connections a download uses: whether it is split at all, how many it may open, and
// how that number moves while it runs (the ramp's verdict, servers refusing extra connections,
// the host's budget shared with other transfers). Kept in one place so a change of connection
// policy touches this file (and the ramp's arithmetic in connection-ramp.ts), not the byte movers.
import type { DownloadRequest } from '../types';
import { ConnectionRamp, RAMP_WINDOW_MS } from './connection-ramp';
import { clampConnections, type SegmentSettings } from './worker-settings';

/** The request's own count (`--connections`, a per-transfer override), else the worker's default. */
export function connectionCountFor(request: DownloadRequest, settings: SegmentSettings): number {
  return clampConnections(request.connections ?? settings.connections);
}

/** Whether someone asked for the count (it opens at once) or it is a default (the ramp decides). */
export function connectionsAskedFor(request: DownloadRequest): boolean {
  return request.connections !== undefined && !request.connectionsByDefault;
}

/** Several connections only for a big enough file whose server says it serves ranges. */
export function shouldSegment(
  totalBytes: number | null,
  rangesOffered: boolean,
  o: { connections: number; minSplitBytes: number; hasValidator: boolean },
): totalBytes is number {
  return rangesOffered && totalBytes !== null && o.connections > 1 && totalBytes >= 2 * o.minSplitBytes && o.hasValidator;
}

/** The connection count of one running segmented download. */
export class ConnectionTarget {
  /** The most connections this server tolerates (lowered on refusals). */
  private target: number;
  /** How many of them help (grows while the total speed rises). */
  private readonly ramp: ConnectionRamp;
  private firstSpeedLogged = false;

  /** `asked`: the user named the count, so it opens at once; otherwise the ramp starts with one. */
  constructor(
    maxConnections: number,
    asked: boolean,
    now: number,
    bytesWritten: number,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {
    this.target = Math.max(1, maxConnections);
    this.ramp = new ConnectionRamp(this.target, now, bytesWritten, RAMP_WINDOW_MS, asked ? this.target : 1);
  }

  /** How many connections to have open now. */
  get wanted(): number {
    return Math.min(this.target, this.ramp.allowed);
  }

  /** How many to keep open given this download's share of the host's budget. */
  keep(fairShare: number): number {
    return Math.min(fairShare, this.ramp.allowed);
  }

  /** The server refused another connection while `open` were open: stay below that. */
  refused(open: number, why: string): void {
    const before = this.target;
    this.target = Math.max(1, open - 1);
    this.ramp.setLimit(this.target);
    if (this.target < before) this.log('info', `Using ${this.target} connection(s): the server refused another (${why})`);
  }

  /** Called on every tick with the bytes written so far, the connections working and when the newest byte came. */
  update(now: number, bytesWritten: number, working: number, lastByteAt?: number): void {
    const before = this.ramp.allowed;
    const allowed = this.ramp.update(now, bytesWritten, working, lastByteAt);
    if (allowed < before) this.log('info', `Using ${allowed} connection(s): more did not make the download faster`);
    else if (this.ramp.firstSpeed !== undefined && !this.firstSpeedLogged) {
      this.firstSpeedLogged = true;
      const speed = `${(this.ramp.firstSpeed / 2 ** 20).toFixed(1)} MiB/s`;
      this.log('info', allowed > before ? `One connection gave ${speed}: opening ${allowed}` : `One connection gave ${speed}: no more needed`);
    }
  }
}
