// What the one service is built from: the engine (its public commands and events), the stores, and
// what only some hosts have (the desktop window's choices and dialogs, the RPC's state, secrets).
import type { ChosenFile, RpcInfo } from '../../../../shared/contract';
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import type { EngineSettings, TransferEngine } from '../../../engine/index';
import type { AdHocSecretSink } from './ad-hoc-uploads';
import type { DestinationsStore } from './destinations-store';
import type { ProxySecretStore } from './proxy-secrets';
import type { SettingsStore } from './settings-store';
import type { UserChoices } from './user-choices';
import type { QueueFinishActions } from '../schedule/queue-finish';

export type EngineLike = Pick<
  TransferEngine,
  | 'on' | 'off' | 'get' | 'list' | 'addDownload' | 'addDownloads' | 'addUpload' | 'pause' | 'resume' | 'cancel' | 'retry'
  | 'remove' | 'pauseAll' | 'resumeAll' | 'reorder' | 'setTransferSpeedLimit' | 'transferProxy' | 'setTransferProxy' | 'downloadUrls' | 'setDownloadUrls' | 'updateSettings'
  | 'downloadHeaderNames' | 'describeStream' | 'continueFrom'
  | 'clock' | 'setQueueOpen' | 'setTransferPriority'
>;

export interface FerryServiceOptions {
  engine: EngineLike;
  settingsStore: SettingsStore;
  destinationsStore: DestinationsStore;
  /** Opens a file with the OS; resolves to an error message, '' on success (Electron's shell.openPath). */
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void | Promise<void>;
  /**
   * The desktop app: what its main process let the user choose (handles, picked folders), the only
   * files and folders the `window` caller may name. Without it that caller names none.
   */
  choices?: UserChoices;
  /** Native dialogs, where the host has them (the desktop app). */
  chooseUploadFiles?(): Promise<ChosenFile[]>;
  chooseDownloadFolder?(): Promise<string | null>;
  /** Where addUploadsTo keeps header values (the host's secret store); hosts without it refuse addUploadsTo. */
  adHocSecrets?: AdHocSecretSink;
  /**
   * A change of settings that needs the user's own yes first (the desktop app: turning off the
   * question before dropped files are uploaded). Resolves to why it was refused, or undefined.
   */
  confirmSettingsChange?(patch: SettingsPatch, current: Settings): Promise<string | undefined>;
  /** Where proxy passwords typed into Settings are kept (the host's secret store); absent: refused. */
  proxySecrets?: ProxySecretStore;
  /** Where a single transfer's proxy password goes (kept while a transfer names it); default adHocSecrets. */
  transferProxySecrets?: AdHocSecretSink;
  /** The aria2 RPC's state, where the host runs one. */
  rpcInfo?: () => RpcInfo;
  /** Puts the RPC secret on the clipboard from the main process (the desktop app). */
  copyRpcSecret?: () => void | Promise<void>;
  patchIntervalMs?: number;
  /** When the queue finishes: the host's actions (tests inject theirs); default: notices, openPath, the OS calls. */
  finishActions?: QueueFinishActions;
  /**
   * false: no timetable, queue hours or finish actions (a one-off `ferry get`/`put` run alone: its
   * own limit and proxy stand, and it must not wait for queue hours or shut the machine down).
   */
  runSchedules?: boolean;
}

export function engineSettingsFrom(settings: Settings): Partial<EngineSettings> {
  return {
    maxActive: settings.maxActive,
    maxPerHost: settings.maxPerHost,
    downloadLimit: settings.downloadLimit,
    uploadLimit: settings.uploadLimit,
    stallTimeoutMs: settings.stallTimeoutSeconds * 1000,
    maxRetries: settings.maxRetries,
    proxy: settings.proxy,
  };
}
