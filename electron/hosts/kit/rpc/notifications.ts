// aria2's WebSocket notifications from the engine's state changes: a download that enters a
// state tells every connected client once, as { method: 'aria2.onDownloadX', params: [{ gid }] }.
import type { TransferState, TransferView } from '../../../../shared/transfer';
import type { RpcEngine } from './backend';
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
export function followNotifications(engine: RpcEngine, send: (n: Aria2Notification) => void, onRemoved: (id: string) => void): () => void {
  const lastState = new Map<string, TransferState>();
  for (const view of engine.list()) lastState.set(view.id, view.state);
  const onView = (view: TransferView) => {
    if (view.kind !== 'download') return;
    const before = lastState.get(view.id);
    lastState.set(view.id, view.state);
    if (before === view.state) return;
    const gid = gidOf(view.id);
    // A start is announced before a completion or an error, as aria2 does for a download that got
    // going: one so quick that its 'active' view was never seen here (coalesced, or added and ended
    // between two events) still gets one, so clients see the same sequence every time.
    if ((view.state === 'completed' || view.state === 'failed') && before !== 'active') {
      send({ jsonrpc: '2.0', method: 'aria2.onDownloadStart', params: [{ gid }] });
    }
    const method = EVENT_FOR[view.state];
    if (method) send({ jsonrpc: '2.0', method, params: [{ gid }] });
  };
  const removed = (id: string) => {
    lastState.delete(id);
    onRemoved(id);
  };
  // aria2 says nothing when a download is added (even added paused): only later changes count.
  const onAdded = (view: TransferView) => {
    if (view.kind === 'download') lastState.set(view.id, view.state);
  };
  engine.on('added', onAdded);
  engine.on('changed', onView);
  engine.on('removed', removed);
  return () => {
    engine.off('added', onAdded);
    engine.off('changed', onView);
    engine.off('removed', removed);
  };
}
