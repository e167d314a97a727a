// Paces progress-only batches to a few per second. The hosts send up to 10 batches a second;
// numbers changing faster than ~4×/s cannot be read anyway, and every batch costs a render of
// each moving row. Anything structural (a new transfer, a state change, a removal) is applied at
// once, together with the progress held before it, so order is kept and nothing waits.
import type { TransferPatch } from '../../../shared/contract';

export const PROGRESS_PACE_MS = 250;

export interface PatchPacer {
  push(batch: readonly TransferPatch[]): void;
  /** A snapshot replaces the state: progress held from before it is stale, drop it. */
  reset(): void;
  flush(): void;
  stop(): void;
}

export function createPatchPacer(
  apply: (patches: TransferPatch[]) => void,
  paceMs = PROGRESS_PACE_MS,
  now: () => number = () => performance.now(),
): PatchPacer {
  let held: TransferPatch[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastApplied = -Infinity;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (held.length === 0) return;
    const batch = held;
    held = [];
    lastApplied = now();
    apply(batch);
  }

  return {
    push(batch) {
      if (batch.length === 0) return;
      held.push(...batch);
      const structural = batch.some((p) => !('progress' in p));
      const wait = paceMs - (now() - lastApplied);
      if (structural || wait <= 0) return flush();
      timer ??= setTimeout(flush, wait);
    },
    reset() {
      if (timer) clearTimeout(timer);
      timer = null;
      held = [];
    },
    flush,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
