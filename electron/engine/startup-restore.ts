// Transfers coming back when the engine opens: what a saved record means after a restart (bytes
// on disk, not bytes once received; no speed; a transfer that was running resumes or waits
// paused) and the workers' clean-up of what no record owns. Its own home because these rules
// change with the record format and the restart policy, not with the commands.
import { appendLog, durableBytes } from './records';
import type { RecordStore } from './record-store';
import type { TransferRecord, TransferWorker } from './types';

export interface RestoreOptions {
  store: RecordStore;
  workers: { download: TransferWorker; upload?: TransferWorker };
  /** Resume transfers that were running when the engine last stopped (else they come back paused). */
  resumeOnStart: boolean;
  now(): number;
  /** A record that could not be read (set aside by the store). */
  problem(message: string): void;
  /** A restored record joins the engine's list and queue. */
  add(record: TransferRecord): void;
}

export async function restoreTransfers(options: RestoreOptions): Promise<void> {
  const { records, problems } = await options.store.loadAll();
  for (const message of problems) options.problem(message);
  for (const record of records) {
    restoreRecord(record, options.resumeOnStart, options.now());
    options.add(record);
  }
  for (const kind of ['download', 'upload'] as const) {
    const worker = options.workers[kind];
    await worker?.startup?.(records.filter((r) => r.transfer.kind === kind));
  }
}

function restoreRecord(record: TransferRecord, resumeOnStart: boolean, now: number): void {
  record.transfer.progress = {
    ...record.transfer.progress,
    bytesDone: record.transfer.kind === 'download' ? durableBytes(record.resume) : record.transfer.progress.bytesDone,
    speed: 0,
    etaSeconds: null,
  };
  // A not-before time survives a restart only while the transfer is still waiting for it.
  if (record.transfer.state !== 'queued') delete record.transfer.nextRetryAt;
  if (record.transfer.state === 'active') {
    record.transfer.state = resumeOnStart ? 'queued' : 'paused';
    appendLog(record.transfer, { at: now, level: 'info', message: 'Ferry restarted: continuing from the saved resume data' });
  }
}
