// Cancel and remove throw bytes away (a partial file, a staged copy, with "delete files" the
// finished file), so they are undoable, as mail apps do it: the rows change at once (a removed row
// leaves the list; a canceled one is paused at once, keeping its bytes, and says "Canceling…"), the
// notice offers Undo for a few seconds, and only then are the bytes discarded. Undo resumes what the
// cancel paused; closing the page before the time is up leaves every byte where it was. One
// mechanism for every way in: row buttons, the menu, the details panel, the Delete key, Clear completed.
import type { TransferView } from '../../../shared/transfer';
import { useTransfers } from '../store/transfers-store';
import { useUi, type PendingAction } from '../store/ui-store';
import { cancel, canCancel, canPause, pause, remove, resume } from './actions';

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

function schedule(action: PendingAction, ids: string[], commit: (ids: string[]) => Promise<unknown>, undo?: (ids: string[]) => void): void {
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
        const mine = ids.filter((id) => ui.pending.get(id) === action);
        ui.setPending(mine, null);
        ui.dismissToast(toastId);
        undo?.(mine);
      },
    },
  });
}

const viewOf = (id: string) => useTransfers.getState().byId.get(id);

/**
 * Cancel with Undo: what runs is paused at once (no more traffic, bytes kept), canceled when the
 * time is up (only what can still be canceled then); Undo resumes what this paused.
 */
export function cancelWithUndo(ids: string[]): void {
  const cancelable = ids.filter((id) => {
    const v = viewOf(id);
    return v !== undefined && canCancel(v);
  });
  const paused = cancelable.filter((id) => canPause(viewOf(id)!));
  void pause(paused);
  schedule(
    'cancel',
    cancelable,
    (mine) => cancel(mine.filter((id) => { const v = viewOf(id); return v !== undefined && canCancel(v); })),
    (mine) => void resume(mine.filter((id) => paused.includes(id) && viewOf(id)?.state === 'paused')),
  );
}

/** Remove from the list (and with deleteFiles the files too), with Undo. */
export function removeWithUndo(ids: string[], deleteFiles = false): void {
  schedule(deleteFiles ? 'delete' : 'remove', ids, (mine) => remove(mine.filter((id) => useTransfers.getState().byId.has(id)), deleteFiles, { quiet: true }));
}

/** What a row says while its cancel waits for the Undo time to pass. */
export function pendingText(action: PendingAction | undefined, v: TransferView): string | undefined {
  return action === 'cancel' && canCancel(v) ? 'Canceling… (Undo in the notice)' : undefined;
}
