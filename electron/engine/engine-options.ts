// What a host passes to open the engine and the events it can listen to: the engine's outward
// shape, kept apart from the engine's code so that hosts and tests read it in one place.
import type { TransferProgress, TransferView } from '../../shared/transfer';
import type { Clock } from './clock';
import type { Notice } from './engine-notices';
import type { EngineSettings } from './engine-settings';
import type { SystemProxy } from './net/proxy-choice';
import type { RecordStore } from './record-store';
import type { SecretsProvider, SecretVault } from './secrets';
import type { TransferWorker } from './types';

export interface EngineOptions {
  dataDir: string;
  settings?: Partial<EngineSettings>;
  workers: { download: TransferWorker; upload?: TransferWorker };
  store?: RecordStore;
  /** Resume transfers that were running when the engine last stopped. Default true. */
  resumeOnStart?: boolean;
  /**
   * Transfers found at start are held: none starts until a caller resumes (or retries) it, and
   * their saved states stay as they are for the Ferry that owns them (a standalone CLI run starts
   * only its own transfers and leaves the app's queue to the app). Default false.
   */
  holdRestored?: boolean;
  /** Time for the queue, retries, progress and limits; tests pass a manual clock. */
  clock?: Clock;
  /**
   * Where download header values are kept while their download needs them (the records hold
   * references; download-header-secrets.ts). The hosts pass their secret store; without one the
   * headers stay in the records as given.
   */
  downloadSecrets?: SecretVault;
  /** What the "system" proxy setting means on this host, and where proxy passwords are kept. */
  network?: NetworkOptions;
}

export interface NetworkOptions {
  /** The system's proxy per URL (Electron's resolver, or the environment); absent: none. */
  systemProxy?: SystemProxy;
  /** Resolves the secret references that stand for proxy passwords in settings and records. */
  secrets?: SecretsProvider;
}

export interface EngineEvents {
  added: [view: TransferView];
  changed: [view: TransferView];
  progress: [id: string, progress: TransferProgress];
  removed: [id: string];
  notice: [notice: Notice];
}
