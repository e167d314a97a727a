// The desktop app's system notification for an offer to continue an unfinished download with a
// link the browser handed over (shared/continue-offer.ts), when no window shows the banner (closed
// to the tray, hidden, minimised). Clicking it continues the download with the new link: that is
// the one click the user most likely wants (the file is the one Ferry is already fetching), it is
// safe (the engine keeps the bytes on disk only when the new link serves the same file, else it
// starts over cleanly and says so) and it asks for no window. "Download it again separately" is
// the notification's button where the OS has buttons (macOS), and the window's banner everywhere;
// the offer waits there until answered. A failed answer (the offer went meanwhile) opens the window.
import { Notification } from 'electron';
import { OFFER_SEPARATELY_LABEL, offerText, type ContinueOffer, type ContinueOfferAnswer } from '../../shared/continue-offer';

export interface OfferNoticeDeps {
  /** Whether a window shows Ferry now (then its banner asks; no notification). */
  windowShowing(): boolean;
  /** Settings › Notifications. */
  enabled(): boolean;
  answer(offerId: string, answer: ContinueOfferAnswer): Promise<{ ok: true } | { ok: false; message: string }>;
  /** Brings the window up (its banner shows what is left to answer). */
  show(): void;
  /** Says a problem in the window. */
  problem(message: string): void;
}

export interface OfferNotices {
  /** The offers as they are now (the continueOffers event, whole). */
  onOffers(offers: readonly ContinueOffer[]): void;
}

export function createOfferNotices(deps: OfferNoticeDeps): OfferNotices {
  // Shown ones, kept referenced: Electron drops the click handler of a notification that was collected.
  const shown = new Map<string, Notification>();
  /** Offers seen already: each one is notified once, when it comes, not again at every change. */
  const seen = new Set<string>();

  function answer(offer: ContinueOffer, choice: ContinueOfferAnswer): void {
    void deps.answer(offer.id, choice).then((reply) => {
      if (reply.ok) return;
      deps.problem(reply.message);
      deps.show();
    });
  }

  function notify(offer: ContinueOffer): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: 'Continue the unfinished download?',
      body: `${offerText(offer)} Click to continue it with the new link; Ferry's window also offers to download it again separately.`,
      actions: [{ type: 'button', text: OFFER_SEPARATELY_LABEL }],
    });
    notification.on('click', () => answer(offer, 'continue'));
    notification.on('action', () => answer(offer, 'separately'));
    notification.on('close', () => shown.delete(offer.id));
    shown.set(offer.id, notification);
    notification.show();
  }

  return {
    onOffers(offers) {
      const now = new Set(offers.map((offer) => offer.id));
      // Answered or gone (in a window, or one of its downloads was removed): its notification goes too.
      for (const [id, notification] of shown) {
        if (now.has(id)) continue;
        shown.delete(id);
        notification.close();
      }
      for (const id of seen) if (!now.has(id)) seen.delete(id);
      for (const offer of offers) {
        if (seen.has(offer.id)) continue;
        seen.add(offer.id);
        if (!deps.windowShowing() && deps.enabled()) notify(offer);
      }
    },
  };
}
