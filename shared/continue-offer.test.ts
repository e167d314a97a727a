// The offer's words, shared by the window's banner and the desktop notification.
import { expect, it } from 'vitest';
import { offerPercent, offerText, type ContinueOffer } from './continue-offer';

const offer: ContinueOffer = { id: 'o', heldId: 'h', earlierId: 'e', name: 'ubuntu.iso', size: 4_700_000_000, earlierBytesDone: 2_115_000_000, earlierState: 'paused', createdAt: 0 };

it('says the file, its size and how far the earlier download got, in the state it is in', () => {
  expect(offerText(offer)).toBe('ubuntu.iso (4.38 GiB) from your browser matches an unfinished download (paused at 45 %).');
  expect(offerText({ ...offer, earlierState: 'failed' })).toContain('(stopped at 45 %)');
  expect(offerText({ ...offer, earlierState: 'active' })).toContain('(running, at 45 %)');
});

it('never says 100 % before the last byte', () => {
  expect(offerPercent({ size: 1000, earlierBytesDone: 999 })).toBe(99);
  expect(offerPercent({ size: 0, earlierBytesDone: 0 })).toBe(0);
});
