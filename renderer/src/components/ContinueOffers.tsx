// The browser handed over a file Ferry is already fetching, unfinished: a banner above the list
// asks, with one click each, whether to continue that download with the new link or download it
// again separately (shared/continue-offer.ts). The offers come with the snapshot, so a reload or a
// second window shows them too, and they go from every window once one answered.
import { useState } from 'react';
import { transport } from '../api/current';
import { OFFER_CONTINUE_LABEL, OFFER_SEPARATELY_LABEL, offerText, type ContinueOffer, type ContinueOfferAnswer } from '../../../shared/continue-offer';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';

function OfferBanner({ offer }: { offer: ContinueOffer }) {
  // How far the earlier download is now, not when the offer was made.
  const earlier = useTransfers((s) => s.byId.get(offer.earlierId));
  const [busy, setBusy] = useState(false);
  const state = earlier && earlier.state !== 'completed' && earlier.state !== 'canceled' ? earlier.state : offer.earlierState;
  const live: ContinueOffer = { ...offer, earlierBytesDone: earlier?.progress.bytesDone ?? offer.earlierBytesDone, earlierState: state };

  async function answer(choice: ContinueOfferAnswer) {
    setBusy(true);
    const reply = await transport().api.answerContinueOffer({ offerId: offer.id, answer: choice });
    setBusy(false);
    if (!reply.ok) {
      useUi.getState().toast(reply.error.message, 'error');
      return;
    }
    // The event removes it from every window; this one need not wait for it.
    const { offers, setOffers } = useTransfers.getState();
    setOffers(offers.filter((o) => o.id !== offer.id));
    useUi.getState().toast(choice === 'continue' ? `Continuing ${offer.name} with the new link` : `Downloading ${offer.name} again separately`, 'info');
  }

  return (
    <div className="offer" role="group" aria-label={`Offer for ${offer.name}`}>
      <p className="offer__text">{offerText(live)}</p>
      <div className="offer__actions">
        <button type="button" className="btn btn--primary btn--small" disabled={busy} onClick={() => void answer('continue')}>
          {OFFER_CONTINUE_LABEL}
        </button>
        <button type="button" className="btn btn--small" disabled={busy} onClick={() => void answer('separately')}>
          {OFFER_SEPARATELY_LABEL}
        </button>
      </div>
    </div>
  );
}

export function ContinueOffers() {
  const offers = useTransfers((s) => s.offers);
  if (offers.length === 0) return null;
  return (
    <section className="offers" aria-label="Downloads from your browser">
      {offers.map((offer) => (
        <OfferBanner key={offer.id} offer={offer} />
      ))}
    </section>
  );
}
