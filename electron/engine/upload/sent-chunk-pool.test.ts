// Reused read buffers: a buffer is lent again only after the sender wrote its bytes.
import { describe, expect, it } from 'vitest';
import { SentChunkPool } from './sent-chunk-pool';

describe('SentChunkPool', () => {
  it('never lends a buffer whose bytes are not written yet, and reuses it afterwards', () => {
    const pool = new SentChunkPool(16);
    const a = pool.take(16, 16);
    const b = pool.take(16, 32);
    a.fill(1);
    b.fill(2);
    pool.sent(20); // a written, b only in part
    const c = pool.take(16, 48);
    expect(c.buffer).toBe(a.buffer);
    c.fill(3);
    expect([...b]).toEqual(new Array(16).fill(2));
    const d = pool.take(8, 56);
    expect(d.buffer).not.toBe(b.buffer);
    expect(d.length).toBe(8);
    pool.sent(56);
    expect(pool.size).toBe(3);
    // Everything written: the three buffers come back, nothing new is made.
    const again = new Set([pool.take(16, 72).buffer, pool.take(16, 88).buffer, pool.take(16, 104).buffer]);
    expect(again).toEqual(new Set([a.buffer, b.buffer, d.buffer]));
    expect(pool.size).toBe(3);
  });
});
