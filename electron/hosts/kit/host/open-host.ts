// The one composition root of every host: the desktop app, `ferry serve`, `ferry rpc` and the
// standalone `ferry get`/`put` open Ferry here and add only what is their own (a window and tray,
// an HTTP server, a terminal). In order: the private data folder and its lock, the stores and
// secrets, the engine, the one service over it, then the doors that the host asks for (the aria2
// RPC with browser pairing, the owner's local control channel). Notices said before the first UI
// are held for it. Shutdown is ordered as Motrix does it, each step's pieces settled together: the
// doors close (no new calls), the service flushes, the engine checkpoints, the lock goes.
import os from 'node:os';
import path from 'node:path';
import type { Notice } from '../../../../shared/contract';
import type { Settings } from '../../../../shared/settings';
import { openEngine, type EngineSettings, type OpenEngineOptions, type TransferEngine } from '../../../engine/index';
import type { BrowserPairing } from '../browser-pairing/browser-pairing';
import { openPrivateDataDir } from '../data-dir/private-data-dir';
import type { LocalControl } from '../local-control/server';
import type { RpcController, RpcControllerOptions } from '../rpc/controller';
import { keepAdHocSecrets } from '../service/ad-hoc-secret-keeper';
import type { JsonBacking } from '../service/backing-store';
import { createDestinationsStore } from '../service/destinations-store';
import { createFerryService, engineSettingsFrom, type EngineLike, type FerryService, type FerryServiceOptions } from '../service/ferry-service';
import { createFileSecretStore, type SecretCipher } from '../service/secret-store';
import { folderChooserOver } from '../service/rule-folders';
import { createSettingsStore } from '../service/settings-store';
import { unencryptedSecretsWarning } from '../service/unencrypted-secrets';
import { holdNotices } from './held-notices';
import { runSecretsOver } from './run-secrets';
import { lockAfterCliRuns } from './wait-for-cli-run';

export type HostEngine = EngineLike & Pick<TransferEngine, 'close' | 'startupProblems' | 'totals' | 'secretRefsInUse'>;

/** What a front brings to the service: the desktop window's dialogs and choices, opening files. */
export type FrontPieces = Partial<
  Pick<FerryServiceOptions, 'choices' | 'chooseUploadFiles' | 'chooseDownloadFolder' | 'confirmSettingsChange' | 'openPath' | 'showItemInFolder' | 'finishActions' | 'runSchedules'>
>;

export interface HostOptions {
  dataDir: string;
  /** The data folder's lock, taken already (the CLI takes it first to know whether a Ferry runs). */
  heldLock?: { release(): Promise<void> };
  /** Where every notice is logged at once (a line); the UIs get them too. */
  log(line: string): void;
  /** The settings' default download folder; default ~/Downloads. */
  downloadsFolder?: string;
  /** The settings files (the desktop app: electron-store; a CLI run: read only); default conf's JSON files. */
  openBacking?(dir: string, name: string): JsonBacking;
  /** Encrypts stored secrets with an OS key (the desktop app: safeStorage). */
  cipher?: SecretCipher;
  /** Why secrets are stored unencrypted here: said once, when some are stored. */
  plainSecretsReason?: string;
  /** What the "system" proxy setting means here (Chromium's resolver, or the environment). */
  systemProxy?: OpenEngineOptions['systemProxy'];
  /** The desktop app's (and its tests') way to open the engine; default openEngine. */
  openEngine?(options: OpenEngineOptions & { settings: Partial<EngineSettings> }): Promise<HostEngine>;
  front?: FrontPieces;
  /** The desktop app: its main process puts the RPC secret on the clipboard (the window never holds it). */
  copyToClipboard?(text: string): void;
  /**
   * The standalone CLI's run: these engine settings over the saved ones, the transfers found at
   * start held as saved (not started, not paused), header values kept in memory.
   */
  run?: {
    engineSettings: Partial<EngineSettings>;
    /** Record each finished download's SHA-256 (DownloadWorkerOptions.fileSha256); default true. */
    fileSha256?: boolean;
  };
  /** Serve the aria2 RPC: following the settings (desktop app, `ferry serve`) or always (`ferry rpc`). */
  rpc?: Omit<RpcControllerOptions, 'dataDir' | 'backend' | 'warn' | 'browserPairing'> & { shutdown?: () => void };
  /** With the RPC: install the native-messaging host that pairs Ferry's browser extension. */
  browserPairing?: BrowserPairing;
  /** Open the owner's local control channel (`ferry get`/`put` join this host there). */
  localControl?: boolean;
}

export interface Host {
  dataDir: string;
  service: FerryService;
  /** Active count, bytes and speed of the running transfers (tray, power, quit question). */
  totals(): ReturnType<TransferEngine['totals']>;
  /** The settings as saved (the front's own decisions: close to tray, start hidden ...). */
  settings(): Settings;
  rpc: RpcController | undefined;
  /** Logs a notice and shows it to the UIs (held until the first one is there). */
  say(notice: Notice): void;
  /** The first UI is here: the notices held for it (once); later ones reach the UIs at once. */
  attachUi(): Notice[];
  /** A piece the front opened (a server, the tray): stopped with the doors, before the engine closes. */
  onClose(stop: () => unknown): void;
  /**
   * Pauses these transfers with `note` in their logs (a standalone CLI run that was interrupted):
   * saved paused, no Ferry that opens the data folder later starts them unasked. Finished ones are left.
   */
  pauseWithNote(ids: readonly string[], note: string): Promise<void>;
  /** Closes everything in order; once. */
  close(): Promise<void>;
  /** The data folder's lock only (a front that must exit although close hangs); idempotent. */
  releaseLock(): Promise<void>;
}

/** Another Ferry owns the data folder (the lock's message says which). */
export class DataDirInUse extends Error {}

export async function openHost(options: HostOptions): Promise<Host> {
  const dataDir = path.resolve(options.dataDir);
  await openPrivateDataDir(dataDir);
  const { lock, waitedFor } = options.heldLock ? { lock: { ok: true as const, release: () => options.heldLock!.release() } } : await lockAfterCliRuns(dataDir, options.log);
  if (!lock.ok) throw new DataDirInUse(lock.message);
  try {
    const host = await openLocked(dataDir, options, lock.release);
    // Said to the UIs too (the desktop app's window was not there while it waited).
    if (waitedFor) host.say({ level: 'info', message: `Started once ${waitedFor} had finished with the data folder` });
    return host;
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openLocked(dataDir: string, options: HostOptions, releaseLock: () => Promise<void>): Promise<Host> {
  const notices = holdNotices(options.log);
  const say = (message: string) => notices.say({ level: 'warn', message });
  // conf (and what it loads) only where the host saves its settings.
  const openBacking = options.openBacking ?? (await import('../service/conf-backing')).openConfBacking;
  const secrets = createFileSecretStore({ dir: dataDir, ...(options.cipher ? { cipher: options.cipher } : {}) });
  const settingsStore = createSettingsStore(openBacking(dataDir, 'settings'), options.downloadsFolder ?? path.join(os.homedir(), 'Downloads'));
  const plainSecrets = options.plainSecretsReason ? unencryptedSecretsWarning(secrets, options.plainSecretsReason, notices.say) : undefined;
  const plainDestinations = createDestinationsStore(openBacking(dataDir, 'destinations'), secrets);
  const destinationsStore = plainSecrets ? plainSecrets.watchDestinations(plainDestinations) : plainDestinations;
  // Header values given with single transfers (`ferry put -H`) and their proxy passwords: the data
  // folder's store, or for a standalone CLI run memory over it.
  const adHocStore = options.run ? runSecretsOver(secrets) : secrets;
  const engine = await (options.openEngine ?? openEngine)({
    dataDir,
    settings: { ...engineSettingsFrom(settingsStore.get()), ...options.run?.engineSettings },
    // Upload header values and proxy passwords (a -i list's own all-proxy in a `get` run too); the
    // upload worker still loads only when an upload starts (engine/lazy-upload-worker.ts).
    secrets: adHocStore,
    // Download headers (the extension's cookies) are kept in the secret store, never in the records.
    downloadSecrets: secrets,
    // A CLI run starts only its own transfers; the others are held as saved, for the Ferry that owns them.
    ...(options.run ? { holdRestored: true } : {}),
    ...(options.run?.fileSha256 === false ? { fileSha256: false } : {}),
    ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
    // Downloads that named no folder are filed by the rules as saved when their final name is known.
    folderFor: folderChooserOver(() => settingsStore.get()),
  });
  for (const problem of [...secrets.problems, ...settingsStore.problems, ...destinationsStore.problems, ...engine.startupProblems]) say(problem);
  plainSecrets?.check();
  const adHocSecrets = keepAdHocSecrets(adHocStore, engine);
  await adHocSecrets.sweep().catch((error: unknown) => say(`Could not drop unused upload secrets: ${(error as Error).message}`));

  let rpc: RpcController | undefined;
  const service = createFerryService({
    engine,
    settingsStore,
    destinationsStore,
    openPath: async () => 'Opening files is only available in the desktop app',
    showItemInFolder: async () => {
      throw new Error('Showing files in their folder is only available in the desktop app');
    },
    ...options.front,
    adHocSecrets,
    proxySecrets: secrets,
    transferProxySecrets: adHocSecrets,
    rpcInfo: () =>
      rpc?.info() ?? { enabled: options.rpc ? settingsStore.get().rpcEnabled : false, endpoint: null, secretFile: null, canCopySecret: false, problem: options.rpc ? 'Starting' : 'This Ferry serves no aria2 RPC' },
    ...(options.copyToClipboard
      ? {
          copyRpcSecret: () => {
            if (!rpc) throw new Error('The aria2 RPC is still starting');
            options.copyToClipboard!(rpc.secret());
          },
        }
      : {}),
  });

  const stops: (() => unknown)[] = [];
  let localControl: LocalControl | undefined;
  let closing: Promise<void> | undefined;
  const host: Host = {
    dataDir,
    service,
    totals: () => engine.totals(),
    settings: () => settingsStore.get(),
    get rpc() {
      return rpc;
    },
    say: notices.say,
    attachUi: () => notices.attach((notice) => service.emit('notice', notice)),
    onClose: (stop) => void stops.push(stop),
    releaseLock,
    pauseWithNote: (ids, note) => service.pauseWithNote(ids, note),
    close: () =>
      (closing ??= (async () => {
        await Promise.allSettled([localControl?.close(), rpc?.stop(), ...stops.map(async (stop) => stop())]);
        service.close();
        adHocSecrets.dispose();
        await Promise.allSettled([engine.close()]);
        await releaseLock();
      })()),
  };

  try {
    // The doors are loaded only by hosts that open them (a CLI run opens none).
    if (options.rpc) {
      const [{ createRpcController }, { serviceBackend }] = await Promise.all([import('../rpc/controller'), import('../rpc/backend')]);
      const { shutdown, ...rpcOptions } = options.rpc;
      rpc = await createRpcController({
        ...rpcOptions,
        dataDir,
        backend: serviceBackend(service, shutdown),
        warn: say,
        ...(options.browserPairing ? { browserPairing: options.browserPairing } : {}),
      });
      const running = rpc;
      service.subscribe((event) => {
        if (event === 'settings') void running.apply();
      });
    }
    // The owner's `ferry get`/`put` join here (an owner-only socket in the data folder).
    if (options.localControl) localControl = await (await import('../local-control/server')).startLocalControlOrWarn({ dataDir, service: service.forCaller('owner') }, say);
  } catch (error) {
    // The lock is released by openHost; everything else opened so far closes here.
    await Promise.allSettled([localControl?.close(), rpc?.stop()]);
    service.close();
    adHocSecrets.dispose();
    await engine.close();
    throw error;
  }
  return host;
}
