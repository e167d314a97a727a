// The transfer state machine as data. Retrying is not a state: it is an attempt count on an
// active transfer. The engine's one `transition` method consults this table.
import type { TransferState } from '../../shared/transfer';

// queued/paused → completed: the worker finished the file while a pause (and maybe a resume
// after it) was on its way; the finished file stands (see the engine's runAttempts).
const TRANSITIONS: Record<TransferState, readonly TransferState[]> = {
  queued: ['active', 'paused', 'canceled', 'completed'],
  // active → queued: a lowered concurrency limit or shutdown hands the slot back.
  active: ['queued', 'paused', 'completed', 'failed', 'canceled'],
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
