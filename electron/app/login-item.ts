// Start at login, as the setting says: the OS is touched only on a change (and at start when on,
// to refresh the path), never otherwise.
import { app } from 'electron';
import { setLinuxAutostart } from './linux-autostart';

export function loginItemKeeper(deps: { enabled(): boolean; warn(message: string): void }): { apply(): void } {
  let applied: boolean | undefined;
  return {
    apply() {
      const enabled = deps.enabled();
      if (enabled === applied || (applied === undefined && !enabled)) {
        applied = enabled;
        return;
      }
      applied = enabled;
      if (process.platform !== 'linux') {
        app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
        return;
      }
      // AppImage: the image itself; deb/dev: the executable (plus the app folder when unpackaged).
      const executable = process.env.APPIMAGE ?? process.execPath;
      const command = app.isPackaged ? [executable, '--hidden'] : [executable, app.getAppPath(), '--hidden'];
      setLinuxAutostart(enabled, command).catch((error: unknown) => deps.warn(`Could not change start at login: ${(error as Error).message}`));
    },
  };
}
