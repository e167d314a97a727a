// Which of the browser's own downloads go to Ferry. Pure, so the rules are tested without a browser.
import type { ExtensionSettings } from './settings';

export interface DownloadCandidate {
  url: string;
  finalUrl?: string;
  filename?: string;
  mime?: string;
  /** Bytes the server announced; -1 or 0 when unknown. */
  totalBytes?: number;
  /** Set when an extension started the download (ours does for a fallback). */
  byExtensionId?: string;
  incognito?: boolean;
}

export type CaptureDecision = { capture: true } | { capture: false; reason: string };

export function decideCapture(
  item: DownloadCandidate,
  settings: Pick<ExtensionSettings, 'capture' | 'minSizeMiB' | 'fileTypes'>,
  context: { altClicked: boolean; ownExtensionId: string },
): CaptureDecision {
  if (!settings.capture) return { capture: false, reason: 'capture is off' };
  if (context.altClicked) return { capture: false, reason: 'Alt+click keeps the download in the browser' };
  if (item.byExtensionId && item.byExtensionId === context.ownExtensionId) return { capture: false, reason: 'started by Ferry\'s own fallback' };
  if (item.incognito) return { capture: false, reason: 'private window' };
  const url = item.finalUrl || item.url;
  if (!/^https?:/i.test(url)) return { capture: false, reason: 'not an http(s) URL (blob:, data: or file: stays in the browser)' };
  const size = item.totalBytes ?? -1;
  if (settings.minSizeMiB > 0) {
    if (size <= 0) return { capture: false, reason: 'size unknown and a minimum size is set' };
    if (size < settings.minSizeMiB * 1024 * 1024) return { capture: false, reason: `smaller than ${settings.minSizeMiB} MiB` };
  }
  if (settings.fileTypes.length > 0) {
    const ext = extensionOf(item.filename || url);
    if (!ext || !settings.fileTypes.includes(ext)) return { capture: false, reason: `type ${ext || '(none)'} is not in the list` };
  }
  return { capture: true };
}

export function extensionOf(nameOrUrl: string): string {
  let name = nameOrUrl;
  try {
    name = decodeURIComponent(new URL(nameOrUrl).pathname);
  } catch {
    // a file name, not a URL
  }
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
