// Notifications in a browser (the headless host's UI): the desktop app's main process notifies by
// itself, a page does it through the Notification API, for the same changes (shared/transfer-notices.ts)
// and under the same setting. Permission is asked when the user turns the setting on (a browser
// refuses to ask without a click); a tag per transfer keeps two open tabs from showing it twice.
import type { TransferPatch } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import type { TransferView } from '../../../shared/transfer';
import { TransferNoticeTracker } from '../../../shared/transfer-notices';

export type NotificationSupport = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationSupport(): NotificationSupport {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser once the user turned notifications on; resolves to what the browser allows. */
export async function askForNotifications(): Promise<NotificationSupport> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Feeds patches to the tracker; shows a notification when one deserves it and the user wants them. */
export function createBrowserNotices(settings: () => Settings | null) {
  let tracker: TransferNoticeTracker | null = null;
  return {
    snapshot(views: TransferView[]) {
      tracker = new TransferNoticeTracker(views);
    },
    patches(patches: readonly TransferPatch[]) {
      if (!tracker) return;
      for (const patch of patches) {
        if ('removed' in patch) tracker.removed(patch.id);
        else if ('view' in patch) {
          const notice = tracker.changed(patch.view);
          if (!notice || !settings()?.notifications || notificationSupport() !== 'granted') continue;
          try {
            new Notification(notice.title, { body: notice.body, tag: `ferry-${patch.id}-${patch.view.state}` });
          } catch {
            // Some browsers allow notifications only from a service worker: nothing to show then.
          }
        }
      }
    },
  };
}
