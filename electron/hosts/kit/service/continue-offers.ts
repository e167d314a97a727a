// Offers to continue an unfinished download with a link the browser handed over (shared/continue-offer.ts).
// The handoff is accepted at once (the extension lets the browser's own download go only after
// "accepted", within 500 ms), so the question cannot be asked before answering: the new download
// is added held (paused, nothing fetched) with a line in its log, and the offer goes to every UI
// until someone answers it, or until one of the two downloads is removed, completes or is started
// by hand (the user decided). Offers live as long as this Ferry runs: after a restart the held
// download is still there, paused, its log saying why, and Resume or "Update address…" on the
// earlier one do by hand what the offer did.
import { randomUUID } from 'node:crypto';
import type { ContinueOffer, ContinueOfferAnswer } from '../../../../shared/continue-offer';
import type { TransferView } from '../../../../shared/transfer';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import { formatBytes } from '../../../../shared/format-size';
import type { TransferEngine } from '../../../engine/index';
import { findUnfinishedSameFile } from './continue-match';
import { Refusal } from './refusal';
import type { TransferViews } from './transfer-views';

type OfferEngine = Pick<TransferEngine, 'get' | 'pause' | 'resume' | 'continueFrom'>;

/** Continued downloads remembered for the RPC's aliases: a handoff GID asked about for days is rare, a bound is not. */
const ALIASES_KEPT = 1000;

export interface ContinueOffers {
  /** The unfinished download a handoff of this file would continue, if any. */
  match(key: { name: string; size: number; directory?: string }): TransferView | undefined;
  /**
   * `held` (added paused) is the same file as `earlier`: says so in its log and offers the choice.
   * `askedPaused`: the caller added it paused anyway, so "separately" leaves it paused.
   */
  raise(held: TransferView, earlier: TransferView, askedPaused?: boolean): Promise<ContinueOffer>;
  list(): ContinueOffer[];
  answer(offerId: string, answer: ContinueOfferAnswer): Promise<TransferView>;
  /** The download a held one was continued as (its handoff's GID answers for it), if it was. */
  continuedAs(id: string): string | undefined;
  close(): void;
}

export function createContinueOffers(engine: OfferEngine, views: TransferViews, changed: (offers: ContinueOffer[]) => void, now: () => number): ContinueOffers {
  const offers = new Map<string, ContinueOffer>();
  const aliases = new Map<string, string>();
  /** Offers being answered: a second answer meanwhile is refused, and the held download's removal is not a withdrawal. */
  const answering = new Set<string>();
  /** Held downloads the client asked to add paused anyway: "separately" leaves them paused. */
  const keptPaused = new Set<string>();

  const list = () => [...offers.values()];
  const drop = (offerIds: string[]) => {
    let any = false;
    for (const id of offerIds) any = offers.delete(id) || any;
    if (any) changed(list());
  };

  /**
   * The earlier download went before anyone answered. Removed or canceled (its bytes are gone): the
   * held one goes on as the handoff it is, since the browser's download is no longer kept anywhere
   * else. Completed: the file is there, so the held one stays paused and says so (resume downloads it again).
   */
  function earlierGone(offer: ContinueOffer, how: 'removed' | 'canceled' | 'completed'): void {
    const stillOffered = list().some((o) => o.heldId === offer.heldId);
    if (stillOffered || !engine.get(offer.heldId)) return;
    // After the engine's event that told it: never a command from inside its own event.
    setImmediate(() => {
      const note =
        how === 'completed'
          ? `The same file finished downloading (${offer.name}); this one stays paused: resume it to download the file again, or remove it`
          : `The unfinished download it matched was ${how}: ${keptPaused.has(offer.heldId) ? 'this one stays paused, as it was asked to' : 'this one starts'}`;
      void (async () => {
        if (!engine.get(offer.heldId)) return;
        await engine.pause(offer.heldId, note);
        if (how !== 'completed' && !keptPaused.has(offer.heldId)) await engine.resume(offer.heldId);
        keptPaused.delete(offer.heldId);
      })().catch(() => undefined);
    });
  }

  // An offer is about two downloads as they are: it goes when either is removed, the earlier one
  // completes or is canceled, or the held one is started by hand.
  const stop = views.follow((event) => {
    const gone: ContinueOffer[] = [];
    const earlier: Array<[ContinueOffer, 'removed' | 'canceled' | 'completed']> = [];
    for (const offer of offers.values()) {
      if (answering.has(offer.id)) continue;
      if (event.kind === 'removed') {
        if (event.id === offer.heldId) gone.push(offer);
        if (event.id === offer.earlierId) earlier.push([offer, 'removed']);
        continue;
      }
      const { view } = event;
      if (view.id === offer.earlierId && (view.state === 'completed' || view.state === 'canceled')) earlier.push([offer, view.state]);
      if (view.id === offer.heldId && view.state !== 'paused') gone.push(offer);
    }
    if (gone.length === 0 && earlier.length === 0) return;
    drop([...gone, ...earlier.map(([offer]) => offer)].map((offer) => offer.id));
    for (const offer of gone) keptPaused.delete(offer.heldId);
    for (const [offer, how] of earlier) earlierGone(offer, how);
  });

  function remember(heldId: string, earlierId: string): void {
    aliases.set(heldId, earlierId);
    // A continued download continued again later: the first handoff's GID follows it too.
    for (const [from, to] of aliases) if (to === heldId) aliases.set(from, earlierId);
    while (aliases.size > ALIASES_KEPT) aliases.delete(aliases.keys().next().value!);
  }

  return {
    match(key) {
      // A download held for an offer is never itself the earlier one of another.
      const held = new Set(list().map((offer) => offer.heldId));
      return findUnfinishedSameFile(views.all(), key, held);
    },
    async raise(held, earlier, askedPaused = false) {
      const state = earlier.state === 'completed' || earlier.state === 'canceled' ? 'paused' : earlier.state;
      const offer: ContinueOffer = {
        id: randomUUID(),
        heldId: held.id,
        earlierId: earlier.id,
        name: earlier.download?.fileName ?? earlier.name,
        size: earlier.progress.totalBytes ?? 0,
        earlierBytesDone: earlier.progress.bytesDone,
        earlierState: state,
        createdAt: now(),
      };
      // Logged through a pause (it is paused already: only the line is added, and saved with it).
      await engine.pause(held.id, `Held: the same file (${offer.name}, ${formatBytes(offer.size)}) is downloading unfinished in this Ferry; waiting for your answer: continue that download with this link, or download it again separately`);
      if (askedPaused) keptPaused.add(held.id);
      offers.set(offer.id, offer);
      changed(list());
      return offer;
    },
    list,
    async answer(offerId, answer) {
      const offer = offers.get(offerId);
      if (!offer || answering.has(offerId)) throw new Refusal('NOT_FOUND', 'This offer was answered already or is gone (one of its downloads was removed or finished)');
      const held = engine.get(offer.heldId);
      const earlier = engine.get(offer.earlierId);
      if (!held || !earlier) {
        drop([offerId]);
        throw new Refusal('NOT_FOUND', 'This offer is gone: one of its downloads was removed');
      }
      answering.add(offerId);
      try {
        if (answer === 'separately') {
          // Asked to be added paused: it stays so, now without the question.
          if (!keptPaused.delete(held.id)) await engine.resume(held.id);
          drop([offerId]);
          return engine.get(held.id) ?? held;
        }
        const note = `Continued with the link your browser handed over (${maskUrlPasswords(held.url)}); its headers go to that address's origin only`;
        const continued = await engine.continueFrom(earlier.id, held.id, note);
        remember(held.id, earlier.id);
        keptPaused.delete(held.id);
        // Other offers for the held download are gone with it; others for the earlier one stay (a newer link may come).
        drop([offerId, ...list().filter((o) => o.heldId === held.id).map((o) => o.id)]);
        return continued;
      } finally {
        answering.delete(offerId);
      }
    },
    continuedAs: (id) => aliases.get(id),
    close() {
      stop();
      offers.clear();
      keptPaused.clear();
    },
  };
}
