// Ferry's one window: hardened, placed where it was last time, and hidden rather than destroyed
// when closed (the lifecycle decides). Its bounds are saved when it moves or resizes.
import { BrowserWindow, screen } from 'electron';
import type { JsonBacking } from '../hosts/kit/service/backing-store';
import { APP_START_URL } from './app-protocol';
import type { AppLifecycle } from './lifecycle';
import { MIN_SIZE, parseWindowState, restoreBounds, type WindowState } from './window-bounds';
import { hardenWebContents } from './window-hardening';

export interface MainWindowOptions {
  preloadPath: string;
  iconPath: string;
  uiState: JsonBacking;
  lifecycle: AppLifecycle;
  show: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = parseWindowState(options.uiState.store.window);
  const primary = screen.getPrimaryDisplay().workArea;
  const bounds = restoreBounds(saved, screen.getAllDisplays().map((d) => d.workArea), primary);
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Ferry',
    icon: options.iconPath,
    backgroundColor: '#1e1f22',
    // The page never gets Node: isolated, sandboxed, only the preload's window.ferry.
    webPreferences: {
      // Reviewed: the preload exposes only window.ferry (the contract) and chooseDroppedFiles (Files → handles).
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  hardenWebContents(window.webContents);
  if (saved?.maximized) window.maximize();

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveBounds = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      if (window.isDestroyed() || window.isMinimized()) return;
      const state: WindowState = { ...window.getNormalBounds(), maximized: window.isMaximized() };
      options.uiState.store = { ...options.uiState.store, window: state };
    }, 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event as 'resize', saveBounds);
  window.on('close', (event) => options.lifecycle.onWindowClose(event, window));
  if (options.show) window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_START_URL);
  return window;
}

export function showWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
