// Electron's entry point: app lifecycle only. Everything else lives in electron/app/.
import { app, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFerryApp } from './app/ferry-app';
import { NATIVE_HOST_FLAG, runNativeHostFromApp } from './hosts/native-messaging/app-entry';

// Bundled to dist-electron/main.js; the renderer bundle and icons sit beside it in the app.
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const icons = path.join(root, 'build', 'icons');
const trayIcon = process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
// Tests and portable setups point Ferry at another data folder; Chromium's profile goes with it.
const dataDir = process.env.FERRY_DATA_DIR ? path.resolve(process.env.FERRY_DATA_DIR) : undefined;
if (dataDir) app.setPath('userData', path.join(dataDir, 'electron'));
// A packaged app has no node to run the native-messaging host with: the app itself answers the
// browser, then exits, before any window, lock or tray. Unpackaged, the app path comes first.
const appArgs = app.isPackaged ? [] : [app.getAppPath()];

if (process.argv.includes(NATIVE_HOST_FLAG)) {
  void runNativeHostFromApp(dataDir).finally(() => app.exit(0));
} else {
  startFerryApp({
    argv: process.argv,
    cwd: process.cwd(),
    rendererDir: path.join(root, 'dist', 'renderer'),
    preloadPath: path.join(here, 'preload.cjs'),
    iconPath: path.join(icons, 'icon.png'),
    trayIconPath: path.join(icons, trayIcon),
    ...(dataDir ? { dataDir } : {}),
    browserPairing: {
      host: { command: process.execPath, args: [...appArgs, NATIVE_HOST_FLAG] },
      launch: { command: process.execPath, args: [...appArgs, '--hidden'] },
    },
  }).catch((error: unknown) => {
    dialog.showErrorBox('Ferry could not start', error instanceof Error ? (error.stack ?? error.message) : String(error));
    app.exit(1);
  });
}
