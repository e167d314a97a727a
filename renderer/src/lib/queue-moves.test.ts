import { describe, expect, it } from 'vitest';
import { dropTarget, moveTarget } from './queue-moves';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('moves in the queue, as reorder counts', () => {
  it('up and down step over the visible neighbour; top and bottom go to the ends', () => {
    expect(moveTarget(order, order, 'c', 'up')).toBe(1); // others a b d e: before b
    expect(moveTarget(order, order, 'c', 'down')).toBe(3); // after d
    expect(moveTarget(order, order, 'c', 'top')).toBe(0);
    expect(moveTarget(order, order, 'c', 'bottom')).toBe(4);
    expect(moveTarget(order, order, 'a', 'up')).toBeUndefined();
    expect(moveTarget(order, order, 'e', 'down')).toBeUndefined();
  });

  it('in a filtered list, a move steps over the neighbour shown, not a hidden one', () => {
    const visible = ['a', 'c', 'e']; // b and d finished, hidden by the filter
    expect(moveTarget(order, visible, 'c', 'up')).toBe(0); // before a
    expect(moveTarget(order, visible, 'c', 'down')).toBe(4); // after e
    expect(moveTarget(order, visible, 'x', 'up')).toBeUndefined();
  });

  it('a drop lands before the row, or after it when dropped on its lower half', () => {
    expect(dropTarget(order, 'e', 'b', false)).toBe(1);
    expect(dropTarget(order, 'a', 'd', true)).toBe(3); // others b c d e: after d
    expect(dropTarget(order, 'a', 'a', true)).toBeUndefined();
  });
});
