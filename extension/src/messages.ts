// What the popup asks the service worker, and what it keeps in storage.session for the popup.

export interface PopupRequest {
  type: 'ferry-video-download';
  tabId: number;
  /** The manifest's URL, as listed for the tab. */
  url: string;
  /** `ferry-variant`; none for the best. */
  variant?: string;
}

export type VideoHandoffAnswer = { accepted: true; gid: string } | { accepted: false; reason: string };

/** The last reason pairing failed, for the popup to put in words. */
export const PAIRING_PROBLEM_KEY = 'pairingProblem';

/** The last video Ferry did not take from the context menu: the popup opens and says why. */
export const LAST_PROBLEM_KEY = 'lastProblem';

export function isPopupRequest(message: unknown): message is PopupRequest {
  const m = message as Partial<PopupRequest> | null;
  return (
    m?.type === 'ferry-video-download' &&
    typeof m.tabId === 'number' &&
    Number.isInteger(m.tabId) &&
    typeof m.url === 'string' &&
    (m.variant === undefined || (typeof m.variant === 'string' && m.variant.length <= 32))
  );
}
