// The engine's side of the transfer state machine. The table itself lives in shared/ (the UI
// reads it to offer only moves the engine allows); `transition` refuses the rest with this error.
import type { TransferState } from '../../shared/transfer';

export { canTransition } from '../../shared/transfer-states';

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: TransferState,
    readonly to: TransferState,
  ) {
    super(`A ${from} transfer cannot become ${to}`);
    this.name = 'InvalidTransitionError';
  }
}
