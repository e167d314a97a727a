// Per-host connection budget shared by every download of one engine: two big files from one
// server split the server's budget instead of opening 2 x 16 connections. A transfer's first
// connection is never refused (the scheduler's per-host limit already decides whether it runs);
// only the extra connections of segmented downloads ask the pool, and each transfer keeps to its
// fair share (the budget divided by the transfers using the host), giving connections back when
// another transfer arrives.

export const DEFAULT_CONNECTIONS_PER_HOST = 16;

export class HostConnectionPool {
  private readonly inUse = new Map<string, number>();
  private readonly holders = new Map<string, number>();

  constructor(private perHost: number = DEFAULT_CONNECTIONS_PER_HOST) {}

  setLimit(perHost: number): void {
    this.perHost = Math.max(1, Math.floor(perHost));
  }

  get limit(): number {
    return this.perHost;
  }

  /** Counts a transfer's first connection; never refused. Its release ends the transfer's share. */
  claimFirst(host: string): () => void {
    this.inUse.set(host, (this.inUse.get(host) ?? 0) + 1);
    this.holders.set(host, (this.holders.get(host) ?? 0) + 1);
    const releaseConnection = this.releaser(host);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseConnection();
      const left = (this.holders.get(host) ?? 1) - 1;
      if (left <= 0) this.holders.delete(host);
      else this.holders.set(host, left);
    };
  }

  /** Connections one transfer may hold: the budget split evenly between the transfers on this host. */
  fairShare(host: string): number {
    return Math.max(1, Math.floor(this.perHost / Math.max(1, this.holders.get(host) ?? 1)));
  }

  /** An extra connection for a transfer holding `holding`, or undefined when the budget or its share is spent. */
  tryClaim(host: string, holding = 0): (() => void) | undefined {
    const used = this.inUse.get(host) ?? 0;
    if (used >= this.perHost || holding >= this.fairShare(host)) return undefined;
    this.inUse.set(host, used + 1);
    return this.releaser(host);
  }

  used(host: string): number {
    return this.inUse.get(host) ?? 0;
  }

  private releaser(host: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inUse.get(host) ?? 1) - 1;
      if (left <= 0) this.inUse.delete(host);
      else this.inUse.set(host, left);
    };
  }
}
