// The desktop app: single instance first, then Ferry from the hosts' composition root
// (kit/host/open-host.ts) with what only Electron has injected into it (dialogs, the window's
// choices, opening files, the clipboard, Chromium's proxy resolver), and around it the window,
// the tray, power and the login item. The window calls the one service as `window` over IPC.
// main.ts only calls startFerryApp; the decisions live in lifecycle.ts, power.ts, launch-args.ts
// and friends, which tests drive directly.
import { app, clipboard, dialog, ipcMain, powerMonitor, powerSaveBlocker, session, shell, type BrowserWindow } from 'electron';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ChosenFile, RequestName } from '../../shared/contract';
import type { ContinueOffer } from '../../shared/continue-offer';
import { defaultDataDir } from '../hosts/kit/data-dir/data-dir';
import { DataDirInUse, openHost, type Host, type HostOptions } from '../hosts/kit/host/open-host';
import { isTrustedFrame, registerIpcHost } from '../hosts/kit/ipc/ipc-host';
import type { JsonBacking } from '../hosts/kit/service/backing-store';
import type { FerryService } from '../hosts/kit/service/ferry-service';
import { createUserChoices } from '../hosts/kit/service/user-choices';
import type { BrowserPairing } from '../hosts/kit/browser-pairing/browser-pairing';
import { handleAppScheme, isAppUrl, registerAppScheme } from './app-protocol';
import { createDesktopFeedback, notify } from './desktop-feedback';
import { createOfferNotices } from './offer-notices';
import { hostFinishActions } from '../hosts/kit/schedule/finish-actions';
import { confirmSettingsChange, registerDroppedFiles } from './dropped-files';
import { createFileChoosers } from './file-choosers';
import { electronSystemProxy } from './system-proxy';
import { openElectronBacking, safeStorageCipher, secretsUnprotectedReason } from './electron-stores';
import { parseLaunchArgs, type LaunchRequest } from './launch-args';
import { loginItemKeeper } from './login-item';
import { AppLifecycle } from './lifecycle';
import { createMainWindow, showWindow } from './main-window';
import { openDownloadedFile } from './open-downloaded-file';
import { PowerPolicy } from './power';
import { watchClipboard } from './clipboard-watch';
import { createTray } from './tray';
import { aggregateFromTotals } from './tray-status';
import { applyContentSecurityPolicy, denyPermissions } from './window-hardening';
import { systemTimer, WindowRelease, type ReleaseTimer } from './window-release';

export interface FerryAppOptions {
  argv: string[];
  cwd: string;
  rendererDir: string;
  preloadPath: string;
  iconPath: string;
  trayIconPath: string;
  dataDir?: string;
  /** Test seam: how the engine opens (the hosts' default otherwise). */
  openEngine?: HostOptions['openEngine'];
  /** Quit cleanly on SIGINT/SIGTERM (default true; tests turn it off). */
  handleSignals?: boolean;
  /** Test seam: where settings files live (electron-store by default). */
  openBacking?(dir: string, name: string): JsonBacking;
  /** Test seam: the aria2 RPC's port instead of the settings' (0: any free port). */
  rpcPort?: number;
  /** How browsers run this app as Ferry's native-messaging host, and start it in the tray (main.ts knows). */
  browserPairing?: BrowserPairing;
  /** Test seam: the clock that times releasing a hidden window (window-release.ts). */
  windowClock?: ReleaseTimer;
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
  let window: BrowserWindow | undefined;
  const choices = createUserChoices();
  const choosers = createFileChoosers({ dialog, choices, window: () => window, downloadDirectory: () => host.settings().downloadDirectory });
  // Ferry itself (data folder, engine, the one service, the aria2 RPC, the owner's local channel)
  // is the hosts' composition root; what is added here is the desktop's own.
  let host: Host;
  try {
    host = await openHost({
      dataDir: options.dataDir ?? defaultDataDir(),
      log: (line) => process.stderr.write(`${line}\n`),
      downloadsFolder: app.getPath('downloads'),
      openBacking: options.openBacking ?? openElectronBacking,
      cipher: safeStorageCipher(),
      plainSecretsReason: secretsUnprotectedReason(),
      // "System" proxy: what Chromium resolves for each URL (system settings, PAC, WPAD).
      systemProxy: electronSystemProxy(session.defaultSession),
      ...(options.openEngine ? { openEngine: options.openEngine } : {}),
      // The window names only what these let the user choose (handles, picked folders).
      front: {
        choices,
        chooseUploadFiles: choosers.chooseUploadFiles,
        chooseDownloadFolder: choosers.chooseDownloadFolder,
        confirmSettingsChange: (patch, current) => confirmSettingsChange(patch, current, { dialog, window: () => window }),
        openPath: (file) => openDownloadedFile(file, { shell, dialog }),
        showItemInFolder: (file) => shell.showItemInFolder(file),
        // The queue's finish as an OS notification (the window may be closed to the tray); the folder by the shell.
        finishActions: hostFinishActions({
          notify: (message) => notify({ title: 'Ferry', body: message }),
          openFolder: async (folder) => {
            const problem = await shell.openPath(folder);
            if (problem) throw new Error(problem);
          },
        }),
      },
      // The renderer never holds the RPC secret: the main process writes it to the clipboard itself.
      copyToClipboard: (text) => clipboard.writeText(text),
      // No shutdown: the app refuses aria2.shutdown (quitting is the user's, from the window or tray).
      rpc: { canCopySecret: true, ...(options.rpcPort !== undefined ? { portOverride: options.rpcPort } : {}) },
      ...(options.browserPairing ? { browserPairing: options.browserPairing } : {}),
      localControl: true,
    });
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    dialog.showErrorBox('Ferry cannot start', `${error.message}.`);
    app.exit(1);
    return undefined;
  }
  const { service } = host;
  handleAppScheme(options.rendererDir);
  denyPermissions(session.defaultSession);
  applyContentSecurityPolicy(session.defaultSession);
  const uiState = (options.openBacking ?? openElectronBacking)(host.dataDir, 'ui-state');
  registerDroppedFiles({
    dialog,
    ipcMain,
    choices,
    window: () => window,
    isTrustedSender: (event) => isTrustedFrame(event.senderFrame, window && !window.isDestroyed() ? [window.webContents] : [], isAppUrl),
    askBeforeUploading: () => host.settings().confirmDroppedFiles,
  });

  // The main process's own calls (tray, sleep, launch arguments) are the machine's user's.
  const call = async (name: RequestName, input?: unknown) => {
    const reply = await service.handle(name, input, 'owner');
    if (!reply.ok) throw new Error(reply.error.message);
  };
  const power = new PowerPolicy({
    preventSleep: () => host.settings().preventSleepWhileActive,
    startBlocker: () => powerSaveBlocker.start('prevent-app-suspension'),
    stopBlocker: (id) => powerSaveBlocker.stop(id),
    list: () => service.views.ordered(),
    pause: (id) => call('pause', { ids: [id] }),
    resume: (id) => call('resume', { ids: [id] }),
  });
  lifecycle = new AppLifecycle({
    settings: () => host.settings(),
    activeCount: () => host.totals().active,
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
    // Doors, tray and feedback first, then the service and the engine's checkpoint, then the lock.
    closeEngine: () => host.close(),
    exit: (code) => void host.releaseLock().finally(() => app.exit(code)),
    keepsRunningNotice: () => notify({ title: 'Ferry keeps running', body: 'Transfers go on in the background. Quit from the tray icon.' }),
    trayNoticeShown: () => uiState.store.trayNoticeShown === true,
    markTrayNoticeShown: () => (uiState.store = { ...uiState.store, trayNoticeShown: true }),
  });
  const life = lifecycle;

  // A window closed to the tray is destroyed after the user's delay; showing Ferry builds a new one,
  // whose renderer takes the snapshot like any UI that reconnects.
  const release = new WindowRelease({
    clock: options.windowClock ?? systemTimer,
    delayMinutes: () => host.settings().releaseWindowAfterMinutes,
    release: () => {
      if (window && !window.isDestroyed()) window.destroy();
    },
  });
  let rendererReady = false;
  const openWindow = (visible: boolean) => {
    const built = createMainWindow({ preloadPath: options.preloadPath, iconPath: options.iconPath, uiState, lifecycle: life, show: visible });
    window = built;
    built.webContents.on('did-start-loading', () => (rendererReady = false));
    built.on('hide', () => release.onHidden());
    built.on('show', () => release.onShown());
    built.on('closed', () => {
      if (window !== built) return;
      window = undefined;
      rendererReady = false;
      release.onGone();
    });
    if (!visible) release.onHidden();
  };
  const show = () => {
    if (window && !window.isDestroyed()) showWindow(window);
    else openWindow(true);
  };
  const tray = createTray(options.trayIconPath, {
    show,
    pauseAll: () => void call('pauseAll').catch(() => undefined),
    resumeAll: () => void call('resumeAll').catch(() => undefined),
    quit: () => void life.requestQuit(),
  });
  const feedback = createDesktopFeedback({ list: () => [...service.views.all()], totals: () => aggregateFromTotals(host.totals()), settings: () => host.settings(), window: () => window, tray, power });
  const pendingOffers: ChosenFile[][] = [];
  // Off by default; a link copied while no window shows Ferry is not offered (nobody would see it).
  const clipboardWatch = watchClipboard({
    readText: () => clipboard.readText(),
    settings: () => host.settings(),
    listedUrls: () => [...service.views.all()].map((view) => view.url),
    offer: (url) => {
      if (rendererReady) service.emit('offerDownload', { url });
    },
  });
  host.onClose(() => {
    feedback.stop();
    tray.destroy();
    clipboardWatch.stop();
  });

  registerIpcHost({
    ipcMain,
    service: service.forCaller('window'),
    windows: () => (window && !window.isDestroyed() ? [window.webContents] : []),
    isAppUrl,
    afterCall: (name) => {
      if (name !== 'snapshot') return;
      rendererReady = true;
      for (const notice of host.attachUi()) service.emit('notice', notice);
      for (const files of pendingOffers.splice(0)) service.emit('offerUpload', { files });
    },
  });
  // The browser handed over a file Ferry is already fetching: the banner asks, or a notification when no window shows it.
  const offerNotices = createOfferNotices({
    windowShowing: () => window !== undefined && !window.isDestroyed() && window.isVisible() && !window.isMinimized(),
    enabled: () => host.settings().notifications,
    answer: async (offerId, answer) => {
      const reply = await service.handle('answerContinueOffer', { offerId, answer }, 'window');
      return reply.ok ? { ok: true } : { ok: false, message: reply.error.message };
    },
    show,
    problem: (message) => service.emit('notice', { level: 'error', message }),
  });
  const loginItem = loginItemKeeper({ enabled: () => host.settings().startAtLogin, warn: (message) => service.emit('notice', { level: 'warn', message }) });
  service.subscribe((event, payload) => {
    if (event === 'patches') feedback.onPatches(payload as Parameters<typeof feedback.onPatches>[0]);
    if (event === 'continueOffers') offerNotices.onOffers(payload as ContinueOffer[]);
    if (event === 'settings') {
      loginItem.apply();
      release.onSettingsChanged();
    }
  });
  loginItem.apply();

  // Ctrl-C in a terminal, `kill`, session logout: checkpoint like any other quit, without asking.
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void life.requestQuit({ force: true }));
  }
  powerMonitor.on('suspend', () => void power.onSuspend());
  powerMonitor.on('resume', () => void power.onResume());

  const first = parseLaunchArgs(options.argv, options.cwd, isFile);
  const startHidden = first.hidden || host.settings().startHidden || app.getLoginItemSettings().wasOpenedAsHidden;
  openWindow(!startHidden);
  app.on('activate', show);

  const handleLaunch = async (request: LaunchRequest, bringToFront: boolean) => {
    if (request.urls.length > 0) {
      const reply = await service.handle('addDownloads', { urls: request.urls }, 'owner');
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
