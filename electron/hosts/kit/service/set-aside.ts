// Our own JSON files that we cannot read are never silently replaced: the unreadable file is
// kept beside the original as `<name>.corrupt-<ms>` (the record store's convention), and the
// caller reports the returned sentence as a notice and carries on with what it could read.
import { copyFileSync, renameSync } from 'node:fs';
import path from 'node:path';

export type AsideMode = 'move' | 'copy';

/**
 * Moves (nothing usable inside) or copies (the readable part is kept in place) `file` aside.
 * Returns the aside file's name, or undefined when even that failed (the file is then left as is).
 */
export function setAside(file: string, mode: AsideMode, now = Date.now()): string | undefined {
  const aside = `${file}.corrupt-${now}`;
  try {
    if (mode === 'move') renameSync(file, aside);
    else copyFileSync(file, aside);
    return path.basename(aside);
  } catch {
    return undefined;
  }
}

/** The notice text for a file set aside; `keptWhat` says what Ferry goes on with. */
export function setAsideNotice(file: string, aside: string | undefined, problem: string, keptWhat: string): string {
  const where = aside ? `a copy was kept as ${aside}` : 'it could not be copied aside and was left untouched';
  return `${path.basename(file)} ${problem}; ${where}. Ferry continues with ${keptWhat}.`;
}
