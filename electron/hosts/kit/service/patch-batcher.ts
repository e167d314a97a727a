// Engine events arrive per transfer and per progress tick; windows and sockets get them as one
// batch of patches at most ~10 times a second. Per transfer only the latest state is kept, so a
// batch is always current: a client that took a snapshot meanwhile never steps back.
// A transfer that reached its end (completed, failed, canceled) goes out sooner: a `ferry get`
// exits on it, and waiting out the interval cost every run up to 100 ms (54-93 ms traced) after
// its file was in place. Still at most one batch per FINISHED_GAP_MS, so many ends at once coalesce.
import type { TransferPatch } from '../../../../shared/contract';
import { isFinished, type TransferProgress, type TransferView } from '../../../../shared/transfer';

export const PATCH_INTERVAL_MS = 100;
/** The least time between two batches when one carries a transfer's end. */
export const FINISHED_GAP_MS = 5;

export interface PatchBatcher {
  view(view: TransferView): void;
  progress(id: string, progress: TransferProgress): void;
  removed(id: string): void;
  /** Sends whatever is pending now. */
  flush(): void;
  stop(): void;
}

export function createPatchBatcher(
  send: (patches: TransferPatch[]) => void,
  intervalMs = PATCH_INTERVAL_MS,
  now: () => number = Date.now,
): PatchBatcher {
  let pending = new Map<string, TransferPatch>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastFlushAt = -Infinity;
  /** When the pending batch goes out (its timer's time). */
  let dueAt = Infinity;
  let stopped = false;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    dueAt = Infinity;
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    lastFlushAt = now();
    send(batch);
  }

  function put(patch: TransferPatch, gapMs = intervalMs): void {
    if (stopped) return;
    pending.set(patch.id, patch);
    const due = Math.max(now(), lastFlushAt + gapMs);
    if (timer && due >= dueAt) return;
    if (timer) clearTimeout(timer);
    dueAt = due;
    timer = setTimeout(flush, Math.max(0, due - now()));
  }

  return {
    view: (view) => put({ id: view.id, view }, isFinished(view.state) ? Math.min(FINISHED_GAP_MS, intervalMs) : intervalMs),
    progress(id, progress) {
      const current = pending.get(id);
      // Fold progress into a pending full view so the view never carries older progress.
      if (current && 'view' in current) put({ id, view: { ...current.view, progress } });
      else if (current && 'removed' in current) return;
      else put({ id, progress });
    },
    removed: (id) => put({ id, removed: true }),
    flush,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      dueAt = Infinity;
      pending.clear();
    },
  };
}
