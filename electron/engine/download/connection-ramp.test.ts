// The adaptive connection count, called directly with made-up speeds.
import { describe, expect, it } from 'vitest';
import { ConnectionRamp } from './connection-ramp';

const MIB = 1 << 20;

describe('ConnectionRamp', () => {
  it('opens the whole count after a short first window when one connection is clearly slow (a per-connection cap)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.allowed).toBe(1);
    expect(ramp.update(50, 0.2 * MIB, 1)).toBe(1); // window not over yet
    expect(ramp.update(100, 0.4 * MIB, 1)).toBe(16); // 4 MiB/s with one: clearly slow, all at once
    expect(ramp.update(1100, 0.4 * MIB + 64 * MIB, 16)).toBe(16); // 64 MiB/s with sixteen: stays
    expect(ramp.update(2100, 130 * MIB, 16)).toBe(16);
  });

  it('leaves one connection alone when it is already faster than a gigabit link (uncapped loopback)', () => {
    const ramp = new ConnectionRamp(8, 0, 0, 200);
    expect(ramp.update(100, 30 * MIB, 1)).toBe(1); // 300 MiB/s: not clearly slow, the full window decides
    expect(ramp.update(200, 60 * MIB, 1)).toBe(1); // 300 MiB/s
    expect(ramp.update(600, 200 * MIB, 1)).toBe(1); // decided: later windows do not reopen
  });

  it('a connection neither clearly slow nor fast over 100 ms is judged over the full 200 ms', () => {
    const paused = new ConnectionRamp(16, 0, 0, 200);
    expect(paused.update(100, 7 * MIB, 1)).toBe(1); // 70 MiB/s (the process paused a moment?): wait
    expect(paused.update(200, 24 * MIB, 1)).toBe(1); // 120 MiB/s over 200 ms: fast alone
    const slowish = new ConnectionRamp(16, 0, 0, 200);
    expect(slowish.update(100, 7 * MIB, 1)).toBe(1);
    expect(slowish.update(200, 14 * MIB, 1)).toBe(16); // 70 MiB/s: open the others
  });

  it('goes back to one connection when more are no faster (a slow link, not a capped server)', () => {
    const ramp = new ConnectionRamp(8, 0, 0, 200);
    expect(ramp.update(200, 2 * MIB, 1)).toBe(8); // 10 MiB/s: try eight
    expect(ramp.update(1200, 2 * MIB + 10.5 * MIB, 8)).toBe(1); // 10.5 MiB/s with eight: back to one
    expect(ramp.update(1400, 15 * MIB, 1)).toBe(1);
  });

  it('judges a step only once the new connections had time to deliver (a far server, a loaded machine)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(100, 0.4 * MIB, 1)).toBe(16);
    // 200 ms later the fifteen new ones still wait for their first byte, and the first waits for
    // nginx's next tick: nothing arrived. Not a verdict yet.
    expect(ramp.update(300, 0.4 * MIB, 16)).toBe(16);
    expect(ramp.update(600, 0.4 * MIB + 8 * MIB, 16)).toBe(16);
    expect(ramp.update(1100, 0.4 * MIB + 40 * MIB, 16)).toBe(16); // 40 MiB/s over the step's second: kept
    expect(ramp.update(5000, 300 * MIB, 16)).toBe(16);
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
