import { describe, expect, it } from 'vitest';
import { formatBytes, formatSpeed, toMiB } from './format-size';

describe('one size convention: binary units, IEC names', () => {
  it('says KiB/MiB/GiB for multiples of 1024', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1000)).toBe('1000 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    // The example: 52,428,800 bytes is 50 MiB, never "50.0 MB".
    expect(formatBytes(52_428_800)).toBe('50.0 MiB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.00 MiB');
    expect(formatBytes(734_003_200)).toBe('700 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
    expect(formatSpeed(2048)).toBe('2.00 KiB/s');
    expect(toMiB(512 * 1024)).toBe('0.5');
  });
});
