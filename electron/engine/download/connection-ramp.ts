// How many connections a segmented download may use right now. A count the user asked for is
// opened at once (as aria2c does). Otherwise start with one and judge it in a short first window:
// one connection already faster than a gigabit link gains nothing from more (loopback, a fast
// CDN), so it stays alone and costs no extra CPU or memory; a slower one is likely a server that
// caps each connection, so open the whole default count at once instead of creeping up in steps.
// If more connections then raise the total speed by (almost) nothing, go back to one; that is
// judged only once the new connections have had time to deliver. A connection that sent a burst
// and then fell quiet early in the first window is paced by the server: the rest open at once.

/** A step must raise the total speed by half to count as a gain. */
const GAIN = 1.5;
/** Going back costs a capped server dearly, so only when more connections brought (almost) nothing. */
const NO_GAIN = 1.1;
const GROWTH_FACTOR = 4;
/** One connection at least this fast (a gigabit link's worth) is left alone. */
export const FAST_ALONE_BYTES_PER_S = 100 * 1024 * 1024;
/**
 * The first window, where one connection shows whether it is fast alone; its speed is also what a
 * step up is measured against. nginx's limit_rate lets each request send a burst first (up to
 * 2 MiB) and then wait, so a short window overstates a capped connection: one of 100 ms (tried)
 * saw a whole 1.5 MB stream segment arrive at once (15 MiB/s from a 1 MiB/s cap), and eight
 * connections over the next second looked like no gain. 200 ms keeps both sides comparable.
 */
export const RAMP_WINDOW_MS = 200;
/**
 * How long a step up runs before it is judged. New connections need handshakes and a round trip
 * before their first byte (more on a loaded machine, or a far server), and a burst-then-wait
 * server sends in whole seconds: judged after 200 ms, 16 connections that had not delivered yet
 * looked like no gain, and a 256 MiB download capped at 4 MiB/s per connection went back to one
 * (58 s instead of 4.5 s, on a loaded machine).
 */
export const STEP_JUDGE_MS = 1000;
/**
 * A server that paces each connection (nginx's limit_rate) sends a burst at once and then nothing
 * until its next turn (at 4 MiB/s: 2 MiB, then half a second of silence). One connection that fell
 * quiet for QUIET_MS after at least EARLY_MS of its first window, slower than FAST_ALONE, is paced:
 * the others open then instead of at the window's end (issue 17: the first 200 ms on one
 * connection cost a 256 MiB download capped at 4 MiB/s per connection ~0.1 s). An uncapped
 * connection's socket always has bytes waiting; quiet is only judged while the connection waits
 * for the server (not for the disk or a speed limit of ours). Tried: 25 ms of quiet at 40 ms, and
 * on a loaded machine (load 10) a 1 GiB download from uncapped loopback opened sixteen.
 */
export const EARLY_MS = 100;
export const QUIET_MS = 60;

export class ConnectionRamp {
  private windowStart: number;
  private windowBytes: number;
  private previous: { speed: number; count: number } | undefined;
  private growing: boolean;
  allowed: number;
  /** Bytes per second of the first window (for the log). */
  firstSpeed: number | undefined;

  /** `initial` > 1: the caller asked for that many; they open at once and stay (unless refused). */
  constructor(
    private limit: number,
    now: number,
    bytes: number,
    private readonly windowMs = RAMP_WINDOW_MS,
    initial = 1,
    private readonly judgeMs = STEP_JUDGE_MS,
  ) {
    this.windowStart = now;
    this.windowBytes = bytes;
    this.limit = Math.max(1, limit);
    this.allowed = Math.max(1, Math.min(this.limit, Math.floor(initial)));
    this.growing = this.allowed === 1;
  }

  /** The most connections the server tolerates (lowered on refusals). */
  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
    this.allowed = Math.min(this.allowed, this.limit);
  }

  /**
   * Called often with the bytes written so far and the connections open; returns how many are
   * allowed. `lastByteAt`: when the newest byte arrived on any of them (absent: not known, or a
   * speed limit of ours holds them back, so a quiet connection says nothing about the server).
   */
  update(now: number, bytes: number, open: number, lastByteAt?: number): number {
    const previous = this.previous;
    // The first window judges one connection; every later one a step up.
    const window = previous === undefined ? this.windowMs : Math.max(this.windowMs, this.judgeMs);
    const elapsed = now - this.windowStart;
    if (!this.growing) return this.allowed;
    if (elapsed < window && !(previous === undefined && this.pacedEarly(now, bytes, open, lastByteAt))) return this.allowed;
    // A window cut short by a paced connection counts as a whole one: the server would have sent
    // nothing more in it (the burst over the window's length, as a full window would measure it).
    const speed = ((bytes - this.windowBytes) * 1000) / Math.max(elapsed, previous === undefined ? this.windowMs : 1);
    this.windowStart = now;
    this.windowBytes = bytes;
    if (previous === undefined) {
      this.previous = { speed, count: open };
      this.firstSpeed = speed;
      if (open <= 1 && speed >= FAST_ALONE_BYTES_PER_S) this.growing = false;
      else if (this.allowed >= this.limit) this.growing = false;
      else this.allowed = open <= 1 ? this.limit : Math.min(this.limit, this.allowed * GROWTH_FACTOR);
      return this.allowed;
    }
    if (open > previous.count && speed >= previous.speed * GAIN) {
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

  /** One connection, early in the first window: a burst, then quiet, and slower than fast-alone. */
  private pacedEarly(now: number, bytes: number, open: number, lastByteAt: number | undefined): boolean {
    const elapsed = now - this.windowStart;
    if (lastByteAt === undefined || open > 1 || elapsed < EARLY_MS || now - lastByteAt < QUIET_MS) return false;
    return ((bytes - this.windowBytes) * 1000) / elapsed < FAST_ALONE_BYTES_PER_S;
  }
}
