// aria2's WebSocket notifications from the service's view changes: a download that enters a state
// tells every connected client once, as { method: 'aria2.onDownloadX', params: [{ gid }] }.
import type { TransferState } from '../../../../shared/transfer';
import type { TransferViews, ViewEvent } from '../service/transfer-views';
import { gidOf } from './gid';

const EVENT_FOR: Partial<Record<TransferState, string>> = {
  active: 'aria2.onDownloadStart',
  paused: 'aria2.onDownloadPause',
  canceled: 'aria2.onDownloadStop',
  completed: 'aria2.onDownloadComplete',
  failed: 'aria2.onDownloadError',
};

export interface Aria2Notification {
  jsonrpc: '2.0';
  method: string;
  params: [{ gid: string }];
}

/** Calls `send` for each notification; returns the function that stops listening. */
export function followNotifications(views: TransferViews, send: (n: Aria2Notification) => void, onRemoved: (id: string) => void): () => void {
  const lastState = new Map<string, TransferState>();
  for (const view of views.all()) lastState.set(view.id, view.state);
  return views.follow((event: ViewEvent) => {
    if (event.kind === 'removed') {
      lastState.delete(event.id);
      onRemoved(event.id);
      return;
    }
    const { view } = event;
    if (view.kind !== 'download') return;
    const before = lastState.get(view.id);
    lastState.set(view.id, view.state);
    // aria2 says nothing when a download is added (even added paused): only later changes count.
    if (event.kind === 'added' || before === view.state) return;
    const gid = gidOf(view.id);
    // A start is announced before a completion or an error, as aria2 does for a download that got
    // going: one so quick that its 'active' view was never seen here (coalesced, or added and ended
    // between two events) still gets one, so clients see the same sequence every time.
    if ((view.state === 'completed' || view.state === 'failed') && before !== 'active') {
      send({ jsonrpc: '2.0', method: 'aria2.onDownloadStart', params: [{ gid }] });
    }
    const method = EVENT_FOR[view.state];
    if (method) send({ jsonrpc: '2.0', method, params: [{ gid }] });
  });
}
