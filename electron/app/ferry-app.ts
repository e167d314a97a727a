// The desktop app's wiring: single instance first, then the engine, the contract over IPC, the
// window, the tray and the OS integrations. main.ts only calls startFerryApp; the decisions
// live in lifecycle.ts, power.ts, launch-args.ts and friends, which tests drive directly.
import { app, clipboard, dialog, ipcMain, powerMonitor, powerSaveBlocker, session, shell, type BrowserWindow } from 'electron';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { SecretsProvider, SecretVault, SystemProxy, TransferEngine } from '../engine/index';
import { lockDataDir } from '../hosts/kit/data-dir-lock';
import { defaultDataDir } from '../hosts/kit/data-dir';
import { openPrivateDataDir } from '../hosts/kit/private-data-dir';
import { isTrustedFrame, registerIpcHost } from '../hosts/kit/ipc/ipc-host';
import type { JsonBacking } from '../hosts/kit/service/backing-store';
import { createDestinationsStore } from '../hosts/kit/service/destinations-store';
import { createFerryService, engineSettingsFrom, type EngineLike, type FerryService } from '../hosts/kit/service/ferry-service';
import { keepAdHocSecrets } from '../hosts/kit/service/ad-hoc-secret-keeper';
import { createFileSecretStore } from '../hosts/kit/service/secret-store';
import { createSettingsStore } from '../hosts/kit/service/settings-store';
import { unencryptedSecretsWarning } from '../hosts/kit/service/unencrypted-secrets';
import { startLocalControlOrWarn } from '../hosts/kit/local-control/server';
import { createUserChoices } from '../hosts/kit/service/user-choices';
import type { ChosenFile, Notice } from '../../shared/contract';
import { serviceBackend } from '../hosts/kit/rpc/backend';
import type { BrowserPairing } from '../hosts/kit/browser-pairing/browser-pairing';
import { createRpcController, type RpcController } from '../hosts/kit/rpc/controller';
import { handleAppScheme, isAppUrl, registerAppScheme } from './app-protocol';
import { createDesktopFeedback, notify } from './desktop-feedback';
import { confirmSettingsChange, registerDroppedFiles } from './dropped-files';
import { createFileChoosers } from './file-choosers';
import { electronSystemProxy } from './system-proxy';
import { openElectronBacking, safeStorageCipher, secretsUnprotectedReason } from './electron-stores';
import { parseLaunchArgs, type LaunchRequest } from './launch-args';
import { setLinuxAutostart } from './linux-autostart';
import { AppLifecycle } from './lifecycle';
import { createMainWindow, showWindow } from './main-window';
import { openDownloadedFile } from './open-downloaded-file';
import { PowerPolicy } from './power';
import { createTray } from './tray';
import { aggregateFromTotals } from './tray-status';
import { applyContentSecurityPolicy, denyPermissions } from './window-hardening';

export type AppEngine = EngineLike & Pick<TransferEngine, 'close' | 'startupProblems' | 'totals' | 'secretRefsInUse'>;

export interface FerryAppOptions {
  argv: string[];
  cwd: string;
  rendererDir: string;
  preloadPath: string;
  iconPath: string;
  trayIconPath: string;
  dataDir?: string;
  openEngine(options: { dataDir: string; settings: ReturnType<typeof engineSettingsFrom>; secrets: SecretsProvider; downloadSecrets: SecretVault; systemProxy: SystemProxy }): Promise<AppEngine>;
  /** Quit cleanly on SIGINT/SIGTERM (default true; tests turn it off). */
  handleSignals?: boolean;
  /** Test seam: where settings files live (electron-store by default). */
  openBacking?(dir: string, name: string): JsonBacking;
  /** Test seam: the aria2 RPC's port instead of the settings' (0: any free port). */
  rpcPort?: number;
  /** How browsers run this app as Ferry's native-messaging host, and start it in the tray (main.ts knows). */
  browserPairing?: BrowserPairing;
}

export interface FerryApp {
  service: FerryService;
  lifecycle: AppLifecycle;
  window(): BrowserWindow | undefined;
  handleLaunch(request: LaunchRequest, show: boolean): Promise<void>;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Resolves to undefined when another Ferry is already running (this one quits). */
export async function startFerryApp(options: FerryAppOptions): Promise<FerryApp | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  registerAppScheme();
  const early: LaunchRequest[] = [];
  let ready: FerryApp | undefined;
  app.on('second-instance', (_event, argv, cwd) => {
    const request = parseLaunchArgs(argv, cwd, isFile);
    if (ready) void ready.handleLaunch(request, true);
    else early.push(request);
  });
  let lifecycle: AppLifecycle | undefined;
  app.on('window-all-closed', () => lifecycle?.onWindowAllClosed());
  app.on('before-quit', (event) => {
    if (lifecycle) lifecycle.onBeforeQuit(event);
  });

  await app.whenReady();
  const dataDir = options.dataDir ?? defaultDataDir();
  await openPrivateDataDir(dataDir);
  const lock = await lockDataDir(dataDir);
  if (!lock.ok) {
    dialog.showErrorBox('Ferry cannot start', `${lock.message}.`);
    app.exit(1);
    return undefined;
  }
  handleAppScheme(options.rendererDir);
  denyPermissions(session.defaultSession);
  applyContentSecurityPolicy(session.defaultSession);

  const openBacking = options.openBacking ?? openElectronBacking;
  const uiState = openBacking(dataDir, 'ui-state');
  // Said before the window's first snapshot: held for it (and logged at once).
  const heldNotices: Notice[] = [];
  let sayNow: ((notice: Notice) => void) | undefined;
  const say = (notice: Notice) => {
    process.stderr.write(`ferry: ${notice.message}\n`);
    if (sayNow) sayNow(notice);
    else heldNotices.push(notice);
  };
  const secrets = createFileSecretStore({ dir: dataDir, cipher: safeStorageCipher() });
  const settingsStore = createSettingsStore(openBacking(dataDir, 'settings'), app.getPath('downloads'));
  const plainSecrets = unencryptedSecretsWarning(secrets, secretsUnprotectedReason(), say);
  const destinationsStore = plainSecrets.watchDestinations(createDestinationsStore(openBacking(dataDir, 'destinations'), secrets));
  // "System" proxy: what Chromium resolves for each URL (system settings, PAC, WPAD).
  const systemProxy = electronSystemProxy(session.defaultSession);
  // Download headers (the extension's cookies) are kept in the secret store too, never in the transfer records.
  const engine = await options.openEngine({ dataDir, settings: engineSettingsFrom(settingsStore.get()), secrets, downloadSecrets: secrets, systemProxy });
  const choices = createUserChoices();
  const choosers = createFileChoosers({
    dialog,
    choices,
    window: () => window,
    downloadDirectory: () => settingsStore.get().downloadDirectory,
  });
  registerDroppedFiles({
    dialog,
    ipcMain,
    choices,
    window: () => window,
    isTrustedSender: (event) => isTrustedFrame(event.senderFrame, window && !window.isDestroyed() ? [window.webContents] : [], isAppUrl),
    askBeforeUploading: () => settingsStore.get().confirmDroppedFiles,
  });
  let rpc: RpcController | undefined;
  // Secrets given with single transfers (upload headers of `ferry put`, proxy passwords) are kept
  // while a listed transfer names them.
  const adHocSecrets = keepAdHocSecrets(secrets, engine);
  await adHocSecrets.sweep().catch((error: unknown) => say({ level: 'warn', message: `Could not drop unused upload secrets: ${(error as Error).message}` }));
  const service = createFerryService({
    engine,
    settingsStore,
    destinationsStore,
    choices,
    chooseUploadFiles: choosers.chooseUploadFiles,
    chooseDownloadFolder: choosers.chooseDownloadFolder,
    confirmSettingsChange: (patch, current) => confirmSettingsChange(patch, current, { dialog, window: () => window }),
    openPath: (file) => openDownloadedFile(file, { shell, dialog }),
    showItemInFolder: (file) => shell.showItemInFolder(file),
    rpcInfo: () => rpc?.info() ?? { enabled: settingsStore.get().rpcEnabled, endpoint: null, secretFile: null, canCopySecret: false, problem: 'Starting' },
    // The renderer never holds the secret: the main process writes it to the clipboard itself.
    copyRpcSecret: () => {
      if (!rpc) throw new Error('The aria2 RPC is still starting');
      clipboard.writeText(rpc.secret());
    },
    proxySecrets: secrets,
    transferProxySecrets: adHocSecrets,
  });
  // aria2 clients and browser extensions reach the app here; no shutdown handler: the app refuses
  // aria2.shutdown (quitting is the user's, from the window or tray).
  rpc = await createRpcController({
    dataDir,
    backend: serviceBackend(engine, service, settingsStore),
    warn: (message) => service.emit('notice', { level: 'warn', message }),
    ...(options.rpcPort !== undefined ? { portOverride: options.rpcPort } : {}),
    ...(options.browserPairing ? { browserPairing: options.browserPairing } : {}),
    canCopySecret: true,
  });
  const rpcController = rpc;
  // `ferry get`/`put` of the same user join the app over an owner-only socket in the data folder.
  // They may name paths (the headless trust model), so they get a service of their own without the
  // window's choices; the engine and stores are the same.
  const controlService = createFerryService({
    engine,
    settingsStore,
    destinationsStore,
    adHocSecrets,
    openPath: async () => 'Open files from the Ferry window',
    showItemInFolder: () => undefined,
  });
  const localControl = await startLocalControlOrWarn({ dataDir, service: controlService }, (message) => say({ level: 'warn', message }));

  let window: BrowserWindow | undefined;
  const power = new PowerPolicy({
    preventSleep: () => settingsStore.get().preventSleepWhileActive,
    startBlocker: () => powerSaveBlocker.start('prevent-app-suspension'),
    stopBlocker: (id) => powerSaveBlocker.stop(id),
    list: () => engine.list(),
    pause: (id) => engine.pause(id),
    resume: (id) => engine.resume(id),
  });
  const activeCount = () => engine.totals().active;
  lifecycle = new AppLifecycle({
    settings: () => settingsStore.get(),
    activeCount,
    confirmQuit: async (n) => {
      const answer = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Quit', 'Keep running'],
        defaultId: 1,
        cancelId: 1,
        message: n === 1 ? '1 transfer is still running.' : `${n} transfers are still running.`,
        detail: 'Quit anyway? They continue where they stopped the next time Ferry starts.',
      });
      return answer.response === 0;
    },
    closeEngine: () => engine.close(),
    teardown: async () => {
      await localControl?.close();
      controlService.close();
      adHocSecrets.dispose();
      await rpcController.stop();
      feedback.stop();
      tray.destroy();
      service.close();
    },
    exit: (code) => {
      void lock.release().finally(() => app.exit(code));
    },
    keepsRunningNotice: () => notify({ title: 'Ferry keeps running', body: 'Transfers go on in the background. Quit from the tray icon.' }),
    trayNoticeShown: () => uiState.store.trayNoticeShown === true,
    markTrayNoticeShown: () => (uiState.store = { ...uiState.store, trayNoticeShown: true }),
  });
  const life = lifecycle;

  const show = () => {
    if (window && !window.isDestroyed()) showWindow(window);
  };
  const tray = createTray(options.trayIconPath, {
    show,
    pauseAll: () => void service.handle('pauseAll', undefined),
    resumeAll: () => void service.handle('resumeAll', undefined),
    quit: () => void life.requestQuit(),
  });
  const feedback = createDesktopFeedback({ list: () => engine.list(), totals: () => aggregateFromTotals(engine.totals()), settings: () => settingsStore.get(), window: () => window, tray, power });

  const pendingOffers: ChosenFile[][] = [];
  let rendererReady = false;
  registerIpcHost({
    ipcMain,
    service,
    windows: () => (window && !window.isDestroyed() ? [window.webContents] : []),
    isAppUrl,
    afterCall: (name) => {
      if (name !== 'snapshot') return;
      rendererReady = true;
      sayNow ??= (notice) => service.emit('notice', notice);
      for (const notice of heldNotices.splice(0)) service.emit('notice', notice);
      for (const files of pendingOffers.splice(0)) service.emit('offerUpload', { files });
    },
  });
  service.subscribe((event, payload) => {
    if (event === 'patches') feedback.onPatches(payload as Parameters<typeof feedback.onPatches>[0]);
    if (event === 'settings') {
      applyLoginItem();
      void rpcController.apply();
    }
  });
  for (const problem of [...secrets.problems, ...settingsStore.problems, ...destinationsStore.problems, ...engine.startupProblems]) {
    say({ level: 'warn', message: problem });
  }
  plainSecrets.check();

  let loginItemApplied: boolean | undefined;
  const applyLoginItem = () => {
    const enabled = settingsStore.get().startAtLogin;
    // Only on a change (and at start when on, to refresh the path): never touch the OS otherwise.
    if (enabled === loginItemApplied || (loginItemApplied === undefined && !enabled)) {
      loginItemApplied = enabled;
      return;
    }
    loginItemApplied = enabled;
    if (process.platform !== 'linux') {
      app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
      return;
    }
    // AppImage: the image itself; deb/dev: the executable (plus the app folder when unpackaged).
    const executable = process.env.APPIMAGE ?? process.execPath;
    const command = app.isPackaged ? [executable, '--hidden'] : [executable, app.getAppPath(), '--hidden'];
    setLinuxAutostart(enabled, command).catch((error: unknown) =>
      service.emit('notice', { level: 'warn', message: `Could not change start at login: ${(error as Error).message}` }),
    );
  };
  applyLoginItem();

  // Ctrl-C in a terminal, `kill`, session logout: checkpoint like any other quit, without asking.
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void life.requestQuit({ force: true }));
  }
  powerMonitor.on('suspend', () => void power.onSuspend());
  powerMonitor.on('resume', () => void power.onResume());

  const first = parseLaunchArgs(options.argv, options.cwd, isFile);
  const startHidden = first.hidden || settingsStore.get().startHidden || app.getLoginItemSettings().wasOpenedAsHidden;
  window = createMainWindow({ preloadPath: options.preloadPath, iconPath: options.iconPath, uiState, lifecycle: life, show: !startHidden });
  window.webContents.on('did-start-loading', () => (rendererReady = false));
  app.on('activate', show);

  const handleLaunch = async (request: LaunchRequest, bringToFront: boolean) => {
    if (request.urls.length > 0) {
      const reply = await service.handle('addDownloads', { urls: request.urls });
      if (!reply.ok) service.emit('notice', { level: 'error', message: reply.error.message });
    }
    const files = await choosers.chooseHandedOver(request.files);
    if (files.length > 0) {
      if (rendererReady) service.emit('offerUpload', { files });
      else pendingOffers.push(files);
    }
    if (bringToFront && (request.files.length > 0 || !request.hidden)) show();
  };
  ready = { service, lifecycle: life, window: () => window, handleLaunch };
  await handleLaunch(first, false);
  for (const request of early.splice(0)) await handleLaunch(request, true);
  feedback.refresh();
  return ready;
}

export function resourcePath(...parts: string[]): string {
  return path.join(app.getAppPath(), ...parts);
}
