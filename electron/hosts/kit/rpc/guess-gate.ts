// Wrong secrets slowed down per caller, the right one never. A caller is a web origin (a page
// cannot forge its Origin, so one origin's flood waits in its own line) or, for callers without
// one (local programs), their connection. A caller's messages are judged one at a time; after a
// wrong secret its answer is held and its next message is judged only when the hold ends (0.5 s,
// doubling to 5 s, forgotten after a quiet minute), so giving up on an answer early does not let an
// origin try again sooner. A call with the right secret from any other caller is judged and
// answered at once.
import { setTimeout as sleep } from 'node:timers/promises';

export interface GuessDelays {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_GUESS_DELAYS: GuessDelays = { firstMs: 500, maxMs: 5000 };
const FORGET_AFTER_MS = 60_000;
/** Messages of one caller waiting for their turn; more are answered "busy" without being judged. */
export const MAX_WAITING = 16;
/** Origins remembered at most (with "any origin" allowed, a page can use many subdomains). */
const MAX_NAMED_CALLERS = 10_000;

/** An origin, or a connection object for callers that send none. */
export type Caller = string | object;

interface CallerState {
  /** When the caller's next message may be judged. */
  until: number;
  streak: number;
  lastWrong: number;
  /** Messages entered and not yet judged (the one being judged included). */
  inLine: number;
  /** Settles when the last message in line has been judged. */
  tail: Promise<void>;
}

export class GuessGate {
  private readonly named = new Map<string, CallerState>();
  private readonly connections = new WeakMap<object, CallerState>();

  constructor(private readonly delays: GuessDelays = DEFAULT_GUESS_DELAYS) {}

  /**
   * Waits until `caller` may have a message judged: one at a time per caller, and not before the
   * hold of its last wrong secret ended. Resolves to a release to call once the verdict is known
   * (wrong() or right() said), or to undefined when too many of its messages wait already: answer
   * that one "busy" without judging it, so the answer says nothing about its secret.
   */
  async enter(caller: Caller): Promise<(() => void) | undefined> {
    const state = this.find(caller) ?? this.create(caller);
    if (state.inLine >= MAX_WAITING) return undefined;
    state.inLine++;
    let judged!: () => void;
    const mine = new Promise<void>((resolve) => (judged = resolve));
    const previous = state.tail;
    state.tail = mine;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      state.inLine--;
      judged();
    };
    await previous;
    const wait = state.until - Date.now();
    if (wait > 0) await sleep(wait, undefined, { ref: false });
    return release;
  }

  /** A wrong secret from `caller`: returns how long to hold its answer (its next message waits as long). */
  wrong(caller: Caller): number {
    const state = this.find(caller) ?? this.create(caller);
    const now = Date.now();
    if (now - state.lastWrong > FORGET_AFTER_MS) state.streak = 0;
    const delay = Math.min(this.delays.maxMs, this.delays.firstMs * 2 ** state.streak);
    state.streak++;
    state.lastWrong = now;
    state.until = Math.max(state.until, now + delay);
    return delay;
  }

  right(caller: Caller): void {
    const state = this.find(caller);
    if (state) state.streak = 0;
  }

  private find(caller: Caller): CallerState | undefined {
    return typeof caller === 'string' ? this.named.get(caller) : this.connections.get(caller);
  }

  private create(caller: Caller): CallerState {
    const state: CallerState = { until: 0, streak: 0, lastWrong: 0, inLine: 0, tail: Promise.resolve() };
    if (typeof caller !== 'string') {
      this.connections.set(caller, state);
      return state;
    }
    if (this.named.size >= MAX_NAMED_CALLERS) this.forgetQuiet();
    this.named.set(caller, state);
    return state;
  }

  /** Drops origins with nothing waiting and no recent wrong secret; the oldest go first if none is quiet. */
  private forgetQuiet(): void {
    const now = Date.now();
    for (const [name, state] of this.named) if (state.inLine === 0 && now - state.lastWrong > FORGET_AFTER_MS) this.named.delete(name);
    for (const [name, state] of this.named) {
      if (this.named.size < MAX_NAMED_CALLERS) break;
      if (state.inLine === 0) this.named.delete(name);
    }
  }
}
