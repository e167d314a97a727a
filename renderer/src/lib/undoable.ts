// Cancel and remove throw bytes away (a partial file, a staged copy, with "delete files" the
// finished file), so they are undoable, as mail apps do it: the rows change at once (a removed row
// leaves the list, a canceled one says "Canceling…"), the notice offers Undo for a few seconds,
// and only then does the host hear of it. Undo, or closing the page before the time is up, leaves
// every byte where it was. One mechanism for every way in: row buttons, the menu, the details
// panel and the Delete key.
import type { TransferView } from '../../../shared/transfer';
import { useTransfers } from '../store/transfers-store';
import { useUi, type PendingAction } from '../store/ui-store';
import { cancel, canCancel, remove } from './actions';

/** How long Undo is offered. A test may shorten it. */
export const undoWindow = { ms: 5000 };

function named(ids: readonly string[]): string {
  const first = ids.length === 1 ? useTransfers.getState().byId.get(ids[0]!) : undefined;
  return first ? `“${first.name}”` : `${ids.length} transfers`;
}

function wording(action: PendingAction, ids: readonly string[]): string {
  const what = named(ids);
  if (action === 'cancel') return `Canceling ${what}: downloaded bytes will be discarded`;
  if (action === 'delete') return `Removed ${what} and deleting ${ids.length === 1 ? 'its file' : 'their files'}`;
  return `Removed ${what} from the list; finished files stay on disk`;
}

function schedule(action: PendingAction, ids: string[], commit: (ids: string[]) => Promise<unknown>): void {
  if (ids.length === 0) return;
  const ui = useUi.getState();
  ui.setPending(ids, action);
  if (action !== 'cancel') ui.clearSelection();
  let undone = false;
  const timer = setTimeout(() => {
    // Only ids still waiting for this very action: an Undo or a later choice replaced the others.
    const mine = ids.filter((id) => useUi.getState().pending.get(id) === action);
    useUi.getState().dismissToast(toastId);
    void commit(mine).finally(() => useUi.getState().setPending(mine, null));
  }, undoWindow.ms);
  const toastId = ui.toast(wording(action, ids), 'info', {
    durationMs: undoWindow.ms,
    action: {
      label: 'Undo',
      run() {
        if (undone) return;
        undone = true;
        clearTimeout(timer);
        const ui = useUi.getState();
        ui.setPending(ids.filter((id) => ui.pending.get(id) === action), null);
        ui.dismissToast(toastId);
      },
    },
  });
}

/** Cancel with Undo: only those that can still be canceled when the time is up. */
export function cancelWithUndo(ids: string[]): void {
  const views = useTransfers.getState().byId;
  schedule('cancel', ids.filter((id) => { const v = views.get(id); return v !== undefined && canCancel(v); }), (mine) => {
    const still = mine.filter((id) => { const v = useTransfers.getState().byId.get(id); return v !== undefined && canCancel(v); });
    return cancel(still);
  });
}

/** Remove from the list (and with deleteFiles the files too), with Undo. */
export function removeWithUndo(ids: string[], deleteFiles = false): void {
  schedule(deleteFiles ? 'delete' : 'remove', ids, (mine) => remove(mine.filter((id) => useTransfers.getState().byId.has(id)), deleteFiles, { quiet: true }));
}

/** What a row says while its cancel waits for the Undo time to pass. */
export function pendingText(action: PendingAction | undefined, v: TransferView): string | undefined {
  return action === 'cancel' && canCancel(v) ? 'Canceling… (Undo in the notice)' : undefined;
}
