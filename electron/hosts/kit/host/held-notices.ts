// Notices a host says before any UI is there to see them (a settings file set aside, secrets stored
// without encryption) are logged at once and held for the first UI; after that one came, every
// notice goes to the UIs as it is said.
import type { Notice } from '../../../../shared/contract';

export interface HeldNotices {
  say(notice: Notice): void;
  /** The first UI is here: the notices held so far (once); later ones go to `live`. */
  attach(live: (notice: Notice) => void): Notice[];
}

export function holdNotices(log: (line: string) => void): HeldNotices {
  const held: Notice[] = [];
  let live: ((notice: Notice) => void) | undefined;
  return {
    say(notice) {
      log(`ferry: ${notice.message}`);
      if (live) live(notice);
      else held.push(notice);
    },
    attach(next) {
      live ??= next;
      return held.splice(0);
    },
  };
}
