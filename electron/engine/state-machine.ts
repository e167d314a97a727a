// The transfer state machine as data. Retrying is not a state: it is an attempt count on an
// active transfer. The engine's one `transition` method consults this table.
import type { TransferState } from '../../shared/transfer';

const TRANSITIONS: Record<TransferState, readonly TransferState[]> = {
  queued: ['active', 'paused', 'canceled'],
  // active → queued: a lowered concurrency limit or shutdown hands the slot back.
  active: ['queued', 'paused', 'completed', 'failed', 'canceled'],
  // paused → completed: the worker finished the file while the pause was on its way.
  paused: ['queued', 'canceled', 'completed'],
  completed: [],
  failed: ['queued', 'canceled'],
  canceled: ['queued'],
};

export function canTransition(from: TransferState, to: TransferState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: TransferState,
    readonly to: TransferState,
  ) {
    super(`A ${from} transfer cannot become ${to}`);
    this.name = 'InvalidTransitionError';
  }
}
