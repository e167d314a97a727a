// The adaptive connection count, called directly with made-up speeds.
import { describe, expect, it } from 'vitest';
import { ConnectionRamp } from './connection-ramp';

const MIB = 1 << 20;

describe('ConnectionRamp', () => {
  it('opens the whole count after a short first window when one connection is slow (a per-connection cap)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.allowed).toBe(1);
    expect(ramp.update(100, 0.4 * MIB, 1)).toBe(1); // window not over yet
    expect(ramp.update(200, 0.8 * MIB, 1)).toBe(16); // 4 MiB/s with one: all at once
    expect(ramp.update(1200, 0.8 * MIB + 64 * MIB, 16)).toBe(16); // 64 MiB/s with sixteen: stays
    expect(ramp.update(2200, 130 * MIB, 16)).toBe(16);
  });

  it('leaves one connection alone when it is already faster than a gigabit link (uncapped loopback)', () => {
    const ramp = new ConnectionRamp(8, 0, 0, 200);
    expect(ramp.update(200, 60 * MIB, 1)).toBe(1); // 300 MiB/s
    expect(ramp.update(600, 200 * MIB, 1)).toBe(1); // decided: later windows do not reopen
  });

  it('goes back to one connection when more are no faster (a slow link, not a capped server)', () => {
    const ramp = new ConnectionRamp(8, 0, 0, 200);
    expect(ramp.update(200, 2 * MIB, 1)).toBe(8); // 10 MiB/s: try eight
    expect(ramp.update(1200, 2 * MIB + 10.5 * MIB, 8)).toBe(1); // 10.5 MiB/s with eight: back to one
    expect(ramp.update(1400, 15 * MIB, 1)).toBe(1);
  });

  it('judges a step only once the new connections had time to deliver (a far server, a loaded machine)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(200, 2 * MIB, 1)).toBe(16); // a 2 MiB burst: 10 MiB/s
    // 200 ms later the fifteen new ones still wait for their first byte, and the first waits for
    // nginx's next tick: nothing arrived. Not a verdict yet.
    expect(ramp.update(400, 2 * MIB, 16)).toBe(16);
    expect(ramp.update(700, 2 * MIB + 8 * MIB, 16)).toBe(16);
    expect(ramp.update(1200, 2 * MIB + 40 * MIB, 16)).toBe(16); // 40 MiB/s over the step's second: kept
    expect(ramp.update(5000, 300 * MIB, 16)).toBe(16);
  });

  it('a server that sends each request in one burst, then waits: a second of eight is compared with 200 ms of one', () => {
    // 1 MiB/s per connection, 1.5 MB stream segments: each arrives at once, then the connection waits.
    const ramp = new ConnectionRamp(8, 0, 0, 200);
    expect(ramp.update(200, 1.5e6, 1)).toBe(8); // one segment in the window: 7.2 MiB/s
    expect(ramp.update(1200, 1.5e6 + 7 * 1.5e6, 8)).toBe(8); // seven bursts over a second: a gain, kept
  });

  it('opens a count the caller asked for at once and keeps it', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200, 16);
    expect(ramp.allowed).toBe(16);
    expect(ramp.update(200, 60 * MIB, 16)).toBe(16);
    expect(ramp.update(400, 120 * MIB, 16)).toBe(16); // no gain measured, still what was asked
  });

  it('never exceeds the limit the server tolerates', () => {
    const ramp = new ConnectionRamp(3, 0, 0, 200);
    expect(ramp.update(200, 0.2 * MIB, 1)).toBe(3);
    ramp.setLimit(2);
    expect(ramp.allowed).toBe(2);
    const asked = new ConnectionRamp(16, 0, 0, 200, 16);
    asked.setLimit(5);
    expect(asked.allowed).toBe(5);
  });
});

describe('ConnectionRamp, modest gains', () => {
  it('keeps connections that helped a little, without opening more', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(200, 2 * MIB, 1)).toBe(16);
    expect(ramp.update(1200, 2 * MIB + 13 * MIB, 16)).toBe(16); // 1.3x: neither a gain nor nothing
    expect(ramp.update(2200, 30 * MIB, 16)).toBe(16);
  });
});

describe('ConnectionRamp, a server that paces each connection (a burst, then quiet)', () => {
  it('opens the whole count as soon as the one connection fell quiet, not at the end of the first window', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    // nginx at 4 MiB/s: 2 MiB at once (in by 12 ms), then nothing until its next turn at 500 ms.
    expect(ramp.update(50, 2 * MIB, 1, 12)).toBe(1); // too early to tell
    expect(ramp.update(100, 2 * MIB, 1, 12)).toBe(16);
    // The burst counts over a whole window (10 MiB/s), as the 200 ms window measured it.
    expect(ramp.firstSpeed).toBe(10 * MIB);
    expect(ramp.update(1100, 2 * MIB + 16 * 4 * MIB, 16, 1090)).toBe(16); // 64 MiB/s with sixteen: stays
  });

  it('a slow cap (1 MiB/s: 1 MiB at once, then a second of quiet) is still a gain with sixteen', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(100, 1 * MIB, 1, 8)).toBe(16);
    // Fifteen bursts over the next second: 16 MiB/s against the window's 5 MiB/s. (Measured over
    // the 100 ms alone, the burst looked like 10 MiB/s, and sixteen like no gain.)
    expect(ramp.update(1100, 16 * MIB, 16, 110)).toBe(16);
  });

  it('waits out the window for a connection whose bytes keep coming (uncapped, or paced evenly)', () => {
    const uncapped = new ConnectionRamp(16, 0, 0, 200);
    expect(uncapped.update(100, 30 * MIB, 1, 100)).toBe(1);
    expect(uncapped.update(200, 60 * MIB, 1, 200)).toBe(1); // 300 MiB/s: alone
    const steady = new ConnectionRamp(16, 0, 0, 200);
    expect(steady.update(100, 0.4 * MIB, 1, 99)).toBe(1); // 4 MiB/s in small steps: not quiet
    expect(steady.update(150, 0.6 * MIB, 1, 140)).toBe(1);
    expect(steady.update(200, 0.8 * MIB, 1, 198)).toBe(16);
  });

  it('a short quiet is no verdict (a stall of ours, a loaded machine)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(100, 8 * MIB, 1, 55)).toBe(1); // 45 ms without bytes at 80 MiB/s: not paced
    expect(ramp.update(200, 40 * MIB, 1, 199)).toBe(1); // 200 MiB/s over the window: alone
  });

  it('never judges early without knowing when bytes came (our speed limit or the disk holds them back)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(100, 2 * MIB, 1)).toBe(1);
    expect(ramp.update(150, 2 * MIB, 1)).toBe(1);
    expect(ramp.update(200, 2 * MIB, 1)).toBe(16);
  });
});
