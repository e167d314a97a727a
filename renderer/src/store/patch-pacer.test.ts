import { describe, expect, it } from 'vitest';
import type { TransferPatch } from '../../../shared/contract';
import { view } from '../test/views';
import { createPatchPacer } from './patch-pacer';

const progress = (id: string, bytesDone: number): TransferPatch => ({ id, progress: { bytesDone, totalBytes: 100, speed: 1, etaSeconds: 1 } });

function setup() {
  let clock = 0;
  const applied: TransferPatch[][] = [];
  const pacer = createPatchPacer((b) => applied.push(b), 250, () => clock);
  return { pacer, applied, advance: (ms: number) => (clock += ms) };
}

describe('patch pacer', () => {
  it('applies the first progress batch at once, then holds progress until the pace allows', async () => {
    const { pacer, applied, advance } = setup();
    pacer.push([progress('a', 1)]);
    expect(applied).toHaveLength(1);
    advance(100);
    pacer.push([progress('a', 2)]);
    advance(100);
    pacer.push([progress('a', 3), progress('b', 1)]);
    expect(applied).toHaveLength(1);
    expect(applied).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200)); // the timer set at 100 ms waits the remaining 150 ms
    expect(applied).toHaveLength(2);
    expect(applied[1]).toEqual([progress('a', 2), progress('a', 3), progress('b', 1)]);
    pacer.stop();
  });

  it('applies structural patches at once, after the progress held before them', () => {
    const { pacer, applied, advance } = setup();
    pacer.push([progress('a', 1)]);
    advance(10);
    pacer.push([progress('a', 2)]);
    pacer.push([{ id: 'a', view: view('a', 'completed') }]);
    expect(applied).toHaveLength(2);
    expect(applied[1]).toEqual([progress('a', 2), { id: 'a', view: view('a', 'completed') }]);
    pacer.push([{ id: 'a', removed: true }]);
    expect(applied).toHaveLength(3);
  });

  it('drops held progress when a snapshot replaces the state', async () => {
    const { pacer, applied, advance } = setup();
    pacer.push([progress('a', 1)]);
    advance(10);
    pacer.push([progress('a', 2)]);
    pacer.reset();
    await new Promise((r) => setTimeout(r, 300));
    expect(applied).toHaveLength(1);
  });
});
