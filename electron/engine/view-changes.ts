// "changed" goes out only when a transfer's view really changed. A fingerprint of the last view
// sent per transfer (not the view itself: with 10,000 transfers listed, copies would cost MBs).
// An active transfer's progress is not part of it: that streams as 'progress' events.
import { createHash } from 'node:crypto';
import type { TransferView } from '../../shared/transfer';

export class ViewChanges {
  private readonly sent = new Map<string, string>();

  /** True (and remembered) when the view differs from the last one this returned true for. */
  differs(view: TransferView): boolean {
    const { progress, ...rest } = view;
    const compared = view.state === 'active' ? rest : view;
    const print = createHash('sha1').update(JSON.stringify(compared)).digest('base64');
    if (this.sent.get(view.id) === print) return false;
    this.sent.set(view.id, print);
    return true;
  }

  forget(id: string): void {
    this.sent.delete(id);
  }
}
