// The browser handed over a download whose file Ferry is already fetching (same final name, same
// size, unfinished: the earlier link expired, the user clicked the link again). Ferry keeps the
// handoff, held paused so no byte is fetched twice, and offers to continue the earlier download
// with the new link instead of downloading the file a second time. Plain data and words, shared
// by the window's banner and the desktop app's notification so both say the same thing.
import { formatBytes } from './format-size';

export interface ContinueOffer {
  /** The offer's own id (answerContinueOffer names it). */
  id: string;
  /** The handed-over download, held paused until the offer is answered. */
  heldId: string;
  /** The unfinished download of the same file. */
  earlierId: string;
  /** The file's name, as Ferry saves it. */
  name: string;
  /** The file's size in bytes, as the browser announced it and the earlier download knows it. */
  size: number;
  /** How far the earlier download got when the offer was made (bytes), and its state then. */
  earlierBytesDone: number;
  earlierState: 'queued' | 'active' | 'paused' | 'failed';
  createdAt: number;
}

export type ContinueOfferAnswer = 'continue' | 'separately';

/** 0-100, rounded down: "paused at 45 %" must not say 100 before the last byte. */
export function offerPercent(offer: Pick<ContinueOffer, 'earlierBytesDone' | 'size'>): number {
  return offer.size > 0 ? Math.min(100, Math.floor((offer.earlierBytesDone / offer.size) * 100)) : 0;
}

const STATE_WORDS: Record<ContinueOffer['earlierState'], string> = {
  paused: 'paused at',
  failed: 'stopped at',
  queued: 'waiting at',
  active: 'running, at',
};

/** "ubuntu.iso (4.38 GiB) from your browser matches an unfinished download (paused at 45 %)." */
export function offerText(offer: ContinueOffer): string {
  return `${offer.name} (${formatBytes(offer.size)}) from your browser matches an unfinished download (${STATE_WORDS[offer.earlierState]} ${offerPercent(offer)} %).`;
}

export const OFFER_CONTINUE_LABEL = 'Continue that download with the new link';
export const OFFER_SEPARATELY_LABEL = 'Download it again separately';
