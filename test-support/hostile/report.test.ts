// The hostile table's verdicts: a row passes only with nothing lost, every transfer surviving and
// re-sent within its target; skipped rows are shown, neither passed nor failed.
import { describe, expect, it } from 'vitest';
import { formatTable, rowPassed, type HostileRow } from './report';

const ok: HostileRow = { name: 'x', tried: 3, survived: 1, transfers: 1, bytesLost: 0, resent: 1.1, resentTarget: 1.3 };

describe('hostile report', () => {
  it('fails a row on lost bytes, a casualty, or too much re-sent', () => {
    expect(rowPassed(ok)).toBe(true);
    expect(rowPassed({ ...ok, bytesLost: 1 })).toBe(false);
    expect(rowPassed({ ...ok, survived: 0 })).toBe(false);
    expect(rowPassed({ ...ok, resent: 1.31 })).toBe(false);
    expect(rowPassed({ ...ok, resent: 9, resentTarget: undefined })).toBe(true); // measured only
    expect(rowPassed({ ...ok, survived: 0, skipped: 'not root' })).toBe(true);
  });

  it('prints one aligned table with the verdict and the note', () => {
    const table = formatTable([ok, { ...ok, name: 'broken', bytesLost: 5, note: 'why' }, { ...ok, name: 'skip', skipped: 'not root' }]);
    const lines = table.split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toMatch(/\| 1\.10x \(≤1\.3x\) \| ok/);
    expect(lines[3]).toMatch(/FAILED: why/);
    expect(lines[4]).toMatch(/SKIPPED: not root/);
  });
});
