// The adaptive connection count, called directly with made-up speeds.
import { describe, expect, it } from 'vitest';
import { ConnectionRamp } from './connection-ramp';

const MIB = 1 << 20;

describe('ConnectionRamp', () => {
  it('multiplies connections while each step raises the total speed (a per-connection cap)', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.allowed).toBe(1);
    expect(ramp.update(100, 0.4 * MIB, 1)).toBe(1); // window not over yet
    expect(ramp.update(200, 0.8 * MIB, 1)).toBe(4); // 4 MiB/s with one: try four
    expect(ramp.update(400, 0.8 * MIB + 3.2 * MIB, 4)).toBe(16); // 16 MiB/s with four: try sixteen
    expect(ramp.update(600, 4 * MIB + 12.8 * MIB, 16)).toBe(16); // at the limit: stays
  });

  it('goes back to one connection when four are no faster (uncapped loopback)', () => {
    const ramp = new ConnectionRamp(8, 0, 0, 200);
    expect(ramp.update(200, 60 * MIB, 1)).toBe(4);
    expect(ramp.update(400, 60 * MIB + 62 * MIB, 4)).toBe(1);
    // Decided: later windows do not reopen.
    expect(ramp.update(600, 200 * MIB, 1)).toBe(1);
  });

  it('never exceeds the limit the server tolerates', () => {
    const ramp = new ConnectionRamp(3, 0, 0, 200);
    expect(ramp.update(200, MIB, 1)).toBe(3);
    ramp.setLimit(2);
    expect(ramp.allowed).toBe(2);
  });
});

describe('ConnectionRamp, modest gains', () => {
  it('keeps connections that helped a little, without opening more', () => {
    const ramp = new ConnectionRamp(16, 0, 0, 200);
    expect(ramp.update(200, 2 * MIB, 1)).toBe(4);
    expect(ramp.update(400, 2 * MIB + 2.6 * MIB, 4)).toBe(4); // 1.3x: neither a gain nor nothing
    expect(ramp.update(600, 10 * MIB, 4)).toBe(4);
  });
});
