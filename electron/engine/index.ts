// The engine with its standard workers, as the hosts (Electron, headless) open it.
import { createDownloadWorker } from './download/download-worker';
// What a download asked to be saved as is called on disk (the service matches a browser's handoff by it).
export { savedFileName } from './download/download-worker';
import { TransferEngine, type EngineSettings } from './engine';
import { lazyUploadWorker } from './lazy-upload-worker';
import type { SystemProxy } from './net/proxy-choice';
import type { SecretsProvider, SecretVault } from './secrets';
import type { FolderChooser } from './types';

export { TransferEngine, type EngineSettings, type EngineEvents, type Notice } from './engine';
export type { DownloadRequest, FolderChooser, FolderQuestion, TransferWorker, UploadRequest } from './types';
export type { UploadTarget } from './upload-retarget';
// For the hosts' service layer (electron/hosts/kit/service/) and the CLI's `put`.
export { TransferFailure } from './types';
// The errors a command may raise, for the service to map by class (not by name).
export { TransferNotFoundError } from './transfer-list';
export { InvalidTransitionError } from './state-machine';
export { changeUris } from './download-addresses';
export { isSecretRef, MemorySecretsProvider, SECRET_REF_PREFIX, secretRefValue, UnknownSecretError, type SecretsProvider, type SecretVault } from './secrets';
export { DOWNLOAD_HEADER_REF_PREFIX } from './download-header-secrets';
export { uploadRequestFromDestination } from './upload/destination';
// For hosts that receive files themselves (the headless upload inbox): the same rules as the engine's.
export { safeFileName } from './download/filename';
export { freeBytesAt, stagingSpaceError } from './upload/staging-area';
export { checkDownloadFolder, DownloadFolderRefused, folderSyntaxProblem } from './download/folder-policy';
export { isWithinFolder, pathsFor, realFolder } from './download/folder-paths';
// Proxies, for the hosts: the environment's and the options' rules, addresses checked in words.
export { rulesFromEnvironment, rulesWithOptions, systemProxyFromEnvironment, systemProxyFromRules, type ProxyRules } from './net/proxy-rules';
export { proxyUrlProblem, parseProxyUrl } from '../../shared/proxy-address';
export { choiceFromPacResult } from './net/pac-result';
export { proxyChoiceProblem, type SystemProxy } from './net/proxy-choice';
export { hasClearPassword, proxyAddresses, proxyPasswordRef, withPasswordRef } from './net/proxy-secret';

// Schedules (issue 20): the hosts' schedule runner wakes at timetable steps on the engine's clock.
export { StepTimer } from './schedule/step-timer';
export { nextStepAfter, stepInForce, type StepInForce } from './schedule/week-steps';
export { systemClock, type Clock, type TimerHandle } from './clock';

export interface OpenEngineOptions {
  dataDir: string;
  settings?: Partial<EngineSettings>;
  /** Resolves the secret header references of uploads. */
  secrets?: SecretsProvider;
  /** Keeps download header values out of the records (EngineOptions.downloadSecrets); the hosts pass their secret store. */
  downloadSecrets?: SecretVault;
  resumeOnStart?: boolean;
  /** EngineOptions.holdRestored: a standalone CLI run starts only its own transfers. */
  holdRestored?: boolean;
  /** What the "system" proxy setting means here: Electron's resolver, or the environment's rules. */
  systemProxy?: SystemProxy;
  /** Where downloads that named no folder go, by the user's rules (DownloadWorkerOptions.folderFor). */
  folderFor?: FolderChooser;
  /** DownloadWorkerOptions.fileSha256: record each finished download's SHA-256 (default true). */
  fileSha256?: boolean;
}

export function openEngine(options: OpenEngineOptions): Promise<TransferEngine> {
  return TransferEngine.open({
    dataDir: options.dataDir,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.resumeOnStart !== undefined ? { resumeOnStart: options.resumeOnStart } : {}),
    ...(options.holdRestored ? { holdRestored: true } : {}),
    ...(options.downloadSecrets ? { downloadSecrets: options.downloadSecrets } : {}),
    network: {
      ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    },
    workers: {
      download: createDownloadWorker({
        ...(options.downloadSecrets ? { secrets: options.downloadSecrets } : {}),
        ...(options.folderFor ? { folderFor: options.folderFor } : {}),
        ...(options.fileSha256 === false ? { fileSha256: false } : {}),
      }),
      // Loaded on first use (lazy-upload-worker.ts): a `ferry get` with no uploads around never loads it.
      upload: lazyUploadWorker({ dataDir: options.dataDir, ...(options.secrets ? { secrets: options.secrets } : {}) }),
    },
  });
}
