// aria2 names a download by a 16-hex-digit GID. Ferry's transfer ids are its own, so the GID is
// derived from the id (first 64 bits of its SHA-256): stable across restarts without storing a
// second id, and the same for every front that shows it.
import { createHash } from 'node:crypto';

const cache = new Map<string, string>();
/** The GIDs clients chose (assignGid), apart: found again after their transfer is gone. */
const chosen = new Map<string, string>();

/**
 * aria2's `gid` option: a client may name a new download's GID itself (Ferry's browser extension
 * does, as an idempotency key). Kept for this process's life, as aria2 keeps it without a session
 * file; after a restart the derived GID names the download again.
 */
export function assignGid(transferId: string, gid: string): void {
  cache.set(transferId, gid.toLowerCase());
  chosen.set(transferId, gid.toLowerCase());
}

export function gidOf(transferId: string): string {
  let gid = cache.get(transferId);
  if (gid === undefined) {
    gid = createHash('sha256').update(transferId).digest('hex').slice(0, 16);
    cache.set(transferId, gid);
  }
  return gid;
}

/** aria2 accepts a GID prefix when it is unambiguous; so does Ferry. */
export function isGidLike(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-fA-F]{1,16}$/.test(value);
}

/** The transfers whose GID a client chose, with it: to find one that is gone (a handoff continued as another download). */
export function chosenGids(): IterableIterator<[string, string]> {
  return chosen.entries();
}
