// When a hidden window is destroyed, on a clock that moves only when the test says so.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test-support/manual-clock';
import { MINUTE_MS, WindowRelease, type ReleaseDelay } from './window-release';

function setup(delay: ReleaseDelay) {
  const clock = new ManualClock();
  const state = { delay, released: 0 };
  const release = new WindowRelease({ clock, delayMinutes: () => state.delay, release: () => void state.released++ });
  return { clock, state, release };
}

describe('window release', () => {
  it('destroys a hidden window after the delay, not a millisecond before', async () => {
    const { clock, state, release } = setup(5);
    release.onHidden();
    await clock.advance(5 * MINUTE_MS - 1);
    expect(state.released).toBe(0);
    await clock.advance(1);
    expect(state.released).toBe(1);
    expect(release.pending).toBe(false);
    await clock.advance(60 * MINUTE_MS);
    expect(state.released).toBe(1);
  });

  it('keeps a window that is shown again before the delay, and counts afresh at the next hide', async () => {
    const { clock, state, release } = setup(5);
    release.onHidden();
    await clock.advance(4 * MINUTE_MS);
    release.onShown();
    await clock.advance(10 * MINUTE_MS);
    expect(state.released).toBe(0);
    release.onHidden();
    await clock.advance(4 * MINUTE_MS);
    expect(state.released).toBe(0);
    await clock.advance(MINUTE_MS);
    expect(state.released).toBe(1);
  });

  it('releases at once with 0 and never with "never"', async () => {
    const now = setup(0);
    now.release.onHidden();
    expect(now.state.released).toBe(1);
    expect(now.clock.timerCount).toBe(0);

    const never = setup(null);
    never.release.onHidden();
    await never.clock.advance(24 * 60 * MINUTE_MS);
    expect(never.state.released).toBe(0);
    expect(never.clock.timerCount).toBe(0);
  });

  it('a changed setting applies to a window hidden now, counted from the change', async () => {
    const { clock, state, release } = setup(null);
    release.onHidden();
    await clock.advance(30 * MINUTE_MS);
    state.delay = 1;
    release.onSettingsChanged();
    await clock.advance(MINUTE_MS - 1);
    expect(state.released).toBe(0);
    await clock.advance(1);
    expect(state.released).toBe(1);
    // A setting changed while the window is shown arms nothing.
    release.onShown();
    release.onSettingsChanged();
    expect(clock.timerCount).toBe(0);
  });

  it('a window that went away by itself leaves no timer behind', async () => {
    const { clock, state, release } = setup(5);
    release.onHidden();
    release.onGone();
    expect(clock.timerCount).toBe(0);
    await clock.advance(10 * MINUTE_MS);
    expect(state.released).toBe(0);
  });
});
