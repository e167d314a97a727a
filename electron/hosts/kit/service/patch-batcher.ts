// Engine events arrive per transfer and per progress tick; windows and sockets get them as one
// batch of patches at most ~10 times a second. Per transfer only the latest state is kept, so a
// batch is always current: a client that took a snapshot meanwhile never steps back.
import type { TransferPatch } from '../../../../shared/contract';
import type { TransferProgress, TransferView } from '../../../../shared/transfer';

export const PATCH_INTERVAL_MS = 100;

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
  let stopped = false;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    lastFlushAt = now();
    send(batch);
  }

  function put(patch: TransferPatch): void {
    if (stopped) return;
    pending.set(patch.id, patch);
    if (!timer) timer = setTimeout(flush, Math.max(0, lastFlushAt + intervalMs - now()));
  }

  return {
    view: (view) => put({ id: view.id, view }),
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
      pending.clear();
    },
  };
}
