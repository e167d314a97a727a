// What the UI offers follows the engine's table: pause where a transfer may become paused,
// resume only from paused.
import { describe, expect, it } from 'vitest';
import type { TransferState } from './transfer';
import { canPause, canResume, canTransition, TRANSITIONS } from './transfer-states';

const STATES = Object.keys(TRANSITIONS) as TransferState[];

describe('transfer states', () => {
  it('pause is offered exactly where the table lets a transfer become paused', () => {
    expect(STATES.filter(canPause).sort()).toEqual(['active', 'queued']);
    for (const state of STATES) expect(canPause(state)).toBe(canTransition(state, 'paused'));
  });

  it('resume is offered for paused transfers alone, and the table lets them go back to the queue', () => {
    expect(STATES.filter(canResume)).toEqual(['paused']);
    expect(canTransition('paused', 'queued')).toBe(true);
  });

  it('a completed transfer goes nowhere', () => {
    expect(STATES.filter((to) => canTransition('completed', to))).toEqual([]);
  });
});
