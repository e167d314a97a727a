// The reclaimer collects the young generation once per `everyBytes` moved, and really gets V8's
// gc in plain Node (no --expose-gc on the command line), so the memory it promises is reachable.
import { describe, expect, it } from 'vitest';
import { BufferReclaimer, bufferReclaimer } from './buffer-reclaimer';

describe('BufferReclaimer', () => {
  it('collects once per everyBytes, counting across calls', () => {
    const calls: unknown[] = [];
    const reclaimer = new BufferReclaimer(1000, (options) => calls.push(options));
    for (let i = 0; i < 25; i++) reclaimer.moved(100);
    expect(calls).toEqual([{ type: 'minor' }, { type: 'minor' }]);
  });

  it('does nothing where gc is not available', () => {
    const reclaimer = new BufferReclaimer(1, null);
    expect(reclaimer.active).toBe(false);
    expect(() => reclaimer.moved(10)).not.toThrow();
  });

  it('has V8 gc in a plain Node process, and it frees a dead buffer', async () => {
    expect(bufferReclaimer.active).toBe(true);
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => registry.register(Buffer.allocUnsafeSlow(1 << 20), 'x'))();
    for (let i = 0; i < 20 && !collected; i++) {
      bufferReclaimer.moved(4 << 20);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(collected).toBe(true);
  });
});
