// Small TransferView builders for the renderer's tests.
import type { Snapshot } from '../../../shared/contract';
import type { TransferState, TransferView } from '../../../shared/transfer';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

export function view(id: string, state: TransferState = 'queued', extra: Partial<TransferView> = {}): TransferView {
  return {
    id,
    kind: 'download',
    state,
    name: `${id}.bin`,
    url: `http://127.0.0.1/${id}.bin`,
    createdAt: 1,
    progress: { bytesDone: 0, totalBytes: 1000, speed: 0, etaSeconds: null },
    attempt: 1,
    log: [],
    ...extra,
  };
}

export function snapshot(transfers: TransferView[]): Snapshot {
  return {
    transfers,
    destinations: [],
    settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp/dl' },
  };
}
