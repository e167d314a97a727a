// The gate alone: one message per caller judged at a time, the next only after a wrong one's hold
// (whether or not anyone waited for that answer), callers apart from each other, a bounded line.
import { describe, expect, it } from 'vitest';
import { GuessGate, MAX_WAITING } from './guess-gate';

describe('GuessGate', () => {
  it('holds a caller after a wrong secret, doubling, and lets other callers through at once', async () => {
    const gate = new GuessGate({ firstMs: 100, maxMs: 250 });
    const page = 'https://page.example';
    const started = Date.now();
    (await gate.enter(page))!();
    expect(gate.wrong(page)).toBe(100);
    // Another caller (an origin, a connection) is not in this line: it gets its turn first.
    const order: string[] = [];
    const pageTurn = gate.enter(page).then((release) => (order.push('page'), release));
    (await gate.enter({}))!();
    order.push('other');
    const second = await pageTurn;
    expect(order).toEqual(['other', 'page']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(gate.wrong(page)).toBe(200);
    second!();
    const third = await gate.enter(page);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(gate.wrong(page)).toBe(250); // capped
    third!();
    gate.right(page);
    await gate.enter(page);
    expect(gate.wrong(page)).toBe(100); // a right secret forgets the streak
  });

  it('judges one message of a caller at a time, and answers "busy" past the line', async () => {
    const gate = new GuessGate({ firstMs: 50, maxMs: 50 });
    const caller = {};
    const first = await gate.enter(caller);
    const order: number[] = [];
    const waiting = Array.from({ length: MAX_WAITING - 1 }, (_, i) => gate.enter(caller).then((release) => (order.push(i), release!())));
    expect(await gate.enter(caller)).toBeUndefined();
    expect(order).toEqual([]); // nobody judged while the first is
    first!();
    await Promise.all(waiting);
    expect(order).toEqual(Array.from({ length: MAX_WAITING - 1 }, (_, i) => i));
  });
});
