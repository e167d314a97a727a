// The downloads as the engine last announced them, kept from its events. aria2 clients poll
// tellActive/tellStopped/getGlobalStat every second; answering from here costs nothing per
// transfer, where engine.list() copies every transfer on every call (40 ms at 5,000).
import type { TransferProgress, TransferView } from '../../../../shared/transfer';
import type { RpcEngine } from './backend';

export class ViewMirror {
  private readonly views = new Map<string, TransferView>();
  private readonly stop: () => void;

  constructor(engine: RpcEngine) {
    for (const view of engine.list()) if (view.kind === 'download') this.views.set(view.id, view);
    const onView = (view: TransferView) => {
      if (view.kind === 'download') this.views.set(view.id, view);
    };
    // The event's object may be shared with other listeners: replace it, never change it.
    const onProgress = (id: string, progress: TransferProgress) => {
      const view = this.views.get(id);
      if (view) this.views.set(id, { ...view, progress });
    };
    const onRemoved = (id: string) => this.views.delete(id);
    engine.on('added', onView);
    engine.on('changed', onView);
    engine.on('progress', onProgress);
    engine.on('removed', onRemoved);
    this.stop = () => {
      engine.off('added', onView);
      engine.off('changed', onView);
      engine.off('progress', onProgress);
      engine.off('removed', onRemoved);
    };
  }

  get(id: string): TransferView | undefined {
    return this.views.get(id);
  }

  all(): IterableIterator<TransferView> {
    return this.views.values();
  }

  close(): void {
    this.stop();
  }
}
