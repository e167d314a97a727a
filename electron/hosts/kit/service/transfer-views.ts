// The service's one subscription to the engine's events. Each view (masked by the engine:
// engine/transfer-view.ts) goes three ways: into the patch batcher (the wire's ~10 batches a second, for every UI),
// into a map of current views (cheap reads for fronts that poll, such as aria2 clients asking every
// second), and to in-process followers that must see every state change as it happens (aria2's
// notifications). One batcher, one place that listens to the engine.
import type { TransferProgress, TransferView } from '../../../../shared/transfer';
import type { TransferEngine } from '../../../engine/index';
import type { PatchBatcher } from './patch-batcher';

export type ViewEvent = { kind: 'added' | 'changed'; view: TransferView } | { kind: 'removed'; id: string };

export interface TransferViews {
  /** A transfer as UIs see it (URL passwords masked), as of the engine's last event. */
  get(id: string): TransferView | undefined;
  /** Every transfer, in no particular order; costs nothing per call. */
  all(): IterableIterator<TransferView>;
  /** Every transfer in queue order: asks the engine (a copy of each), so for answers where order matters. */
  ordered(): TransferView[];
  /** Every add, change and removal at once, unbatched; returns the function that stops following. */
  follow(listener: (event: ViewEvent) => void): () => void;
}

export type ViewSource = Pick<TransferEngine, 'on' | 'off' | 'list'>;

export interface ViewFeed {
  views: TransferViews;
  close(): void;
}

export function feedViews(engine: ViewSource, batcher: PatchBatcher): ViewFeed {
  const current = new Map<string, TransferView>();
  for (const view of engine.list()) current.set(view.id, view);
  const followers = new Set<(event: ViewEvent) => void>();
  const tell = (event: ViewEvent) => {
    for (const follower of followers) {
      try {
        follower(event);
      } catch {
        // A front that failed on one event must not cost the others theirs.
      }
    }
  };
  const onView = (kind: 'added' | 'changed') => (view: TransferView) => {
    current.set(view.id, view);
    batcher.view(view);
    tell({ kind, view });
  };
  const onAdded = onView('added');
  const onChanged = onView('changed');
  // The views are shared with the batcher and readers: replaced, never changed.
  const onProgress = (id: string, progress: TransferProgress) => {
    const view = current.get(id);
    if (view) current.set(id, { ...view, progress });
    batcher.progress(id, progress);
  };
  const onRemoved = (id: string) => {
    current.delete(id);
    batcher.removed(id);
    tell({ kind: 'removed', id });
  };
  engine.on('added', onAdded);
  engine.on('changed', onChanged);
  engine.on('progress', onProgress);
  engine.on('removed', onRemoved);
  return {
    views: {
      get: (id) => current.get(id),
      all: () => current.values(),
      // The engine knows the order; the views here are masked already.
      ordered: () => engine.list().map((view) => current.get(view.id) ?? view),
      follow(listener) {
        followers.add(listener);
        return () => void followers.delete(listener);
      },
    },
    close() {
      engine.off('added', onAdded);
      engine.off('changed', onChanged);
      engine.off('progress', onProgress);
      engine.off('removed', onRemoved);
      followers.clear();
    },
  };
}
