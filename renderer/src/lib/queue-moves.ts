// Where a move in the list puts a transfer, as the engine's reorder(id, toIndex) counts: the index
// among all the other transfers in queue order. Up and down step over the neighbour the user sees
// (a filtered list hides others, which stay where they are); top and bottom go to the ends.
export type QueueMove = 'up' | 'down' | 'top' | 'bottom';

export function moveTarget(order: readonly string[], visible: readonly string[], id: string, move: QueueMove): number | undefined {
  const others = order.filter((other) => other !== id);
  if (others.length === order.length) return undefined; // not listed
  if (move === 'top') return 0;
  if (move === 'bottom') return others.length;
  const at = visible.indexOf(id);
  const neighbour = at < 0 ? undefined : visible[move === 'up' ? at - 1 : at + 1];
  if (neighbour === undefined) return undefined; // already first or last of what is shown
  const index = others.indexOf(neighbour);
  return move === 'up' ? index : index + 1;
}

/** Where a dragged row lands when dropped on `target`: before it, or after it in its lower half. */
export function dropTarget(order: readonly string[], id: string, target: string, after: boolean): number | undefined {
  if (id === target) return undefined;
  const others = order.filter((other) => other !== id);
  const index = others.indexOf(target);
  if (index < 0) return undefined;
  return after ? index + 1 : index;
}
