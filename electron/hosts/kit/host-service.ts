// The wiring every host without Electron repeats (`ferry serve`, `ferry rpc`): the private data
// folder and its lock, the file-backed stores and secrets, the engine, and the service over them.
// The desktop app wires the same pieces itself, with electron-store and the OS keychain.
import os from 'node:os';
import path from 'node:path';
import type { RpcInfo } from '../../../shared/contract';
import { openEngine, type SystemProxy, type TransferEngine } from '../../engine/index';
import { lockDataDir } from './data-dir-lock';
import { openPrivateDataDir } from './private-data-dir';
import { openConfBacking } from './service/backing-store';
import { createDestinationsStore } from './service/destinations-store';
import { createFerryService, engineSettingsFrom, type FerryService } from './service/ferry-service';
import { keepAdHocSecrets } from './service/ad-hoc-secret-keeper';
import { createFileSecretStore } from './service/secret-store';
import { createSettingsStore, type SettingsStore } from './service/settings-store';
import { unencryptedSecretsWarning } from './service/unencrypted-secrets';

export interface HostServiceOptions {
  dataDir: string;
  /** Open and show files on this machine (`ferry serve`, for browsers on it); absent: refused. */
  opener?: { openPath(file: string): Promise<string>; showItemInFolder(file: string): Promise<void> };
  /** Each problem found at start (stores, secrets, engine), in words. */
  problem(message: string): void;
  /** Why secrets are stored unencrypted here: warned about (once) when destinations hold some. */
  plainSecretsReason?: string;
  rpcInfo?: () => RpcInfo;
  /** What the "system" proxy setting means here (the environment and command-line options); absent: direct. */
  systemProxy?: SystemProxy;
}

export interface HostService {
  dataDir: string;
  engine: TransferEngine;
  settingsStore: SettingsStore;
  service: FerryService;
  /** Closes the service and the engine, then releases the data folder. */
  close(): Promise<void>;
}

const refuseOpen = async () => 'Opening files is only available in the desktop app';
const refuseShow = async () => {
  throw new Error('Showing files in their folder is only available in the desktop app');
};

/** Fails in words (the lock's message) when another Ferry owns the data folder. */
export async function openHostService(options: HostServiceOptions): Promise<HostService> {
  const dataDir = path.resolve(options.dataDir);
  await openPrivateDataDir(dataDir);
  const lock = await lockDataDir(dataDir);
  if (!lock.ok) throw new Error(lock.message);
  const secrets = createFileSecretStore({ dir: dataDir });
  const settingsStore = createSettingsStore(openConfBacking(dataDir, 'settings'), path.join(os.homedir(), 'Downloads'));
  const say = (message: string) => options.problem(message);
  const plainSecrets = options.plainSecretsReason
    ? unencryptedSecretsWarning(secrets, options.plainSecretsReason, (notice) => say(notice.message))
    : undefined;
  const plainDestinations = createDestinationsStore(openConfBacking(dataDir, 'destinations'), secrets);
  const destinationsStore = plainSecrets ? plainSecrets.watchDestinations(plainDestinations) : plainDestinations;
  let engine: TransferEngine;
  try {
    engine = await openEngine({
      dataDir,
      settings: engineSettingsFrom(settingsStore.get()),
      secrets,
      downloadSecrets: secrets,
      ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
  for (const problem of [...secrets.problems, ...settingsStore.problems, ...destinationsStore.problems, ...engine.startupProblems]) say(problem);
  plainSecrets?.check();
  const adHocSecrets = keepAdHocSecrets(secrets, engine);
  await adHocSecrets.sweep().catch((error: unknown) => say(`Could not drop unused upload secrets: ${(error as Error).message}`));
  const service = createFerryService({
    engine,
    settingsStore,
    destinationsStore,
    ...(options.rpcInfo ? { rpcInfo: options.rpcInfo } : {}),
    // The token holder, `ferry rpc`'s owner and the local control socket may name upload targets.
    adHocSecrets,
    proxySecrets: secrets,
    openPath: options.opener ? (file) => options.opener!.openPath(file) : refuseOpen,
    showItemInFolder: options.opener ? (file) => options.opener!.showItemInFolder(file) : refuseShow,
  });
  const opened = engine;
  let closing: Promise<void> | undefined;
  return {
    dataDir,
    engine,
    settingsStore,
    service,
    close: () =>
      (closing ??= (async () => {
        service.close();
        adHocSecrets.dispose();
        await Promise.allSettled([opened.close()]);
        await lock.release();
      })()),
  };
}
