// What a host passes to open the engine and the events it can listen to: the engine's outward
// shape, kept apart from the engine's code so that hosts and tests read it in one place.
import type { TransferProgress, TransferView } from '../../shared/transfer';
import type { Clock } from './clock';
import type { Notice } from './engine-notices';
import type { EngineSettings } from './engine-settings';
import type { RecordStore } from './record-store';
import type { SecretVault } from './secrets';
import type { TransferWorker } from './types';

export interface EngineOptions {
  dataDir: string;
  settings?: Partial<EngineSettings>;
  workers: { download: TransferWorker; upload?: TransferWorker };
  store?: RecordStore;
  /** Resume transfers that were running when the engine last stopped. Default true. */
  resumeOnStart?: boolean;
  /** Time for the queue, retries, progress and limits; tests pass a manual clock. */
  clock?: Clock;
  /**
   * Where download header values are kept while their download needs them (the records hold
   * references; download-header-secrets.ts). The hosts pass their secret store; without one the
   * headers stay in the records as given.
   */
  downloadSecrets?: SecretVault;
}

export interface EngineEvents {
  added: [view: TransferView];
  changed: [view: TransferView];
  progress: [id: string, progress: TransferProgress];
  removed: [id: string];
  notice: [notice: Notice];
}
