// Which state changes deserve a notification (the desktop app's, and the browser UI's through the
// Notification API): a transfer that just completed or just
// failed (not one that was already finished when Ferry started, nor a retry's intermediate steps).
import type { TransferState, TransferView } from './transfer';

export interface TransferNotice {
  title: string;
  body: string;
  /** The file to show in its folder when the notification is clicked. */
  filePath?: string;
}

export class TransferNoticeTracker {
  private readonly states = new Map<string, TransferState>();

  constructor(initial: Iterable<TransferView> = []) {
    for (const view of initial) this.states.set(view.id, view.state);
  }

  /** Feed every changed view; returns a notice when this change deserves one. */
  changed(view: TransferView): TransferNotice | undefined {
    const before = this.states.get(view.id);
    this.states.set(view.id, view.state);
    if (before === view.state) return undefined;
    const verb = view.kind === 'download' ? 'Download' : 'Upload';
    const filePath = view.kind === 'download' ? view.download?.filePath : view.upload?.sourcePath;
    if (view.state === 'completed') return { title: `${verb} complete`, body: view.name, ...(filePath ? { filePath } : {}) };
    if (view.state === 'failed') {
      return { title: `${verb} failed`, body: `${view.name}: ${view.error?.message ?? 'unknown error'}`, ...(filePath ? { filePath } : {}) };
    }
    return undefined;
  }

  removed(id: string): void {
    this.states.delete(id);
  }
}
