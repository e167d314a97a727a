// Everything that reflects transfers outside the window: tray tooltip, taskbar/dock progress,
// badge count, the keep-awake blocker and notifications on completion and failure. Aggregates
// are recomputed at most twice a second, however fast the engine reports.
import { app, Notification, shell, type BrowserWindow } from 'electron';
import type { TransferPatch } from '../../shared/contract';
import type { Settings } from '../../shared/settings';
import type { TransferView } from '../../shared/transfer';
import type { PowerPolicy } from './power';
import { TransferNoticeTracker, type TransferNotice } from '../../shared/transfer-notices';
import type { FerryTray } from './tray';
import { progressBarValue, type Aggregate } from './tray-status';

export interface FeedbackDeps {
  /** Read once at start, for the notice tracker. */
  list(): TransferView[];
  /** Read at every refresh: must cost what the active transfers cost, not the whole list. */
  totals(): Aggregate;
  settings(): Settings;
  window(): BrowserWindow | undefined;
  tray: FerryTray;
  power: PowerPolicy;
}

const REFRESH_MS = 500;

export function notify(notice: TransferNotice): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: notice.title, body: notice.body });
  if (notice.filePath) {
    const file = notice.filePath;
    notification.on('click', () => shell.showItemInFolder(file));
  }
  notification.show();
}

export function createDesktopFeedback(deps: FeedbackDeps): { onPatches(patches: TransferPatch[]): void; refresh(): void; stop(): void } {
  const notices = new TransferNoticeTracker(deps.list());
  let timer: ReturnType<typeof setTimeout> | undefined;

  function refresh(): void {
    timer = undefined;
    const agg = deps.totals();
    deps.tray.update(agg);
    const window = deps.window();
    if (window && !window.isDestroyed()) window.setProgressBar(progressBarValue(agg));
    app.setBadgeCount(agg.active);
    deps.power.update(agg.active);
  }

  return {
    onPatches(patches) {
      for (const patch of patches) {
        if ('removed' in patch) notices.removed(patch.id);
        else if ('view' in patch) {
          const notice = notices.changed(patch.view);
          if (notice && deps.settings().notifications) notify(notice);
        }
      }
      timer ??= setTimeout(refresh, REFRESH_MS);
    },
    refresh,
    stop() {
      if (timer) clearTimeout(timer);
      deps.power.stop();
    },
  };
}
