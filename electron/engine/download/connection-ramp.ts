// How many connections a segmented download may use right now: start with one and multiply while
// the total speed rises, as a server that caps each connection rewards; where one connection is
// already as fast as it gets (loopback, a fast CDN), go back to what was enough, so extra
// connections cost no CPU or memory for nothing.

/** A step must raise the total speed by half to count as a gain (it multiplies connections by 4). */
const GAIN = 1.5;
/** Going back costs a capped server dearly, so only when more connections brought (almost) nothing. */
const NO_GAIN = 1.1;
const GROWTH_FACTOR = 4;
/**
 * Long enough to see what new connections bring: nginx's limit_rate lets each connection send a
 * burst first, and 100 ms windows (tried) saw the bursts, not the rates, and fell back to one
 * connection on a capped server (64 MiB at 4m per connection: 7.5 s instead of 1.8 s).
 */
export const RAMP_WINDOW_MS = 200;

export class ConnectionRamp {
  private windowStart: number;
  private windowBytes: number;
  private previous: { speed: number; count: number } | undefined;
  private growing = true;
  allowed = 1;

  constructor(
    private limit: number,
    now: number,
    bytes: number,
    private readonly windowMs = RAMP_WINDOW_MS,
  ) {
    this.windowStart = now;
    this.windowBytes = bytes;
    this.limit = Math.max(1, limit);
  }

  /** The most connections the server tolerates (lowered on refusals). */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.allowed = Math.min(this.allowed, this.limit);
  }

  /** Called often with the bytes written so far and the connections open; returns how many are allowed. */
  update(now: number, bytes: number, open: number): number {
    if (!this.growing || now - this.windowStart < this.windowMs) return this.allowed;
    const speed = ((bytes - this.windowBytes) * 1000) / (now - this.windowStart);
    this.windowStart = now;
    this.windowBytes = bytes;
    const previous = this.previous;
    if (previous === undefined || (open > previous.count && speed >= previous.speed * GAIN)) {
      this.previous = { speed, count: open };
      if (this.allowed >= this.limit) this.growing = false;
      else this.allowed = Math.min(this.limit, this.allowed * GROWTH_FACTOR);
      return this.allowed;
    }
    this.growing = false;
    // More connections did not raise the total speed: back to what was enough. (Fewer than
    // allowed were open, for lack of work or budget: nothing was learned, keep what is open. A
    // modest gain keeps them too.)
    if (open > previous.count && speed < previous.speed * NO_GAIN) this.allowed = previous.count;
    return this.allowed;
  }
}
