// When a closed (hidden) window gives its renderer back. A hidden Chromium renderer with a
// 10,000-row list costs far more memory than the main process; the tray needs none of it. After
// the user's delay the window is destroyed, not hidden, and the next "Show Ferry" builds a new one,
// which takes the engine's snapshot like any reconnecting UI. Plain rules on an injected clock, so
// tests drive the delay without sleeping; the window glue lives in ferry-app.ts.

/** Minutes, as the setting holds it: 0 releases at once, null keeps the window for good. */
export type ReleaseDelay = number | null;

export interface ReleaseTimer {
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

export interface WindowReleaseDeps {
  clock: ReleaseTimer;
  /** The setting as it is now (read at each hide and each settings change). */
  delayMinutes(): ReleaseDelay;
  /** Destroys the window; called at most once per hide. */
  release(): void;
}

export const MINUTE_MS = 60_000;

export class WindowRelease {
  private timer: { cancel(): void } | undefined;
  private hidden = false;

  constructor(private readonly deps: WindowReleaseDeps) {}

  /** The window was hidden (closed to the tray, or built hidden at start). */
  onHidden(): void {
    this.hidden = true;
    this.arm();
  }

  /** The window is shown again, or is gone already: nothing is pending. */
  onShown(): void {
    this.hidden = false;
    this.disarm();
  }

  /** The window no longer exists (released, or closed for good). */
  onGone(): void {
    this.onShown();
  }

  /** The delay may have changed: a hidden window counts it again from now. */
  onSettingsChanged(): void {
    if (this.hidden) this.arm();
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  private arm(): void {
    this.disarm();
    const minutes = this.deps.delayMinutes();
    if (minutes === null) return;
    const fire = () => {
      this.timer = undefined;
      if (!this.hidden) return;
      this.hidden = false;
      this.deps.release();
    };
    if (minutes <= 0) return fire();
    this.timer = this.deps.clock.setTimer(fire, minutes * MINUTE_MS);
  }

  private disarm(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

/** The real clock; the timer does not keep a quitting app alive. */
export const systemTimer: ReleaseTimer = {
  setTimer(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};
