// The transfer state machine as data, shared: the engine's `transition` refuses any move this
// table does not list, and the UI asks the same table what a transfer can do next, so a button
// is never offered for a move the engine would refuse. Retrying is not a state: it is an attempt
// count on an active transfer.
import type { TransferState } from './transfer';

// queued/paused → completed: the worker finished the file while a pause (and maybe a resume
// after it) was on its way; the finished file stands (see the engine's attempt runner).
export const TRANSITIONS: Readonly<Record<TransferState, readonly TransferState[]>> = {
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

/** The engine's pause() moves every state that may become paused there (and leaves the rest). */
export function canPause(state: TransferState): boolean {
  return canTransition(state, 'paused');
}

/** The engine's resume() takes a paused transfer back to the queue; it leaves every other state alone. */
export function canResume(state: TransferState): boolean {
  return state === 'paused' && canTransition(state, 'queued');
}
