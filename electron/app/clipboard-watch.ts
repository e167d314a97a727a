// Clipboard watching (Settings › Rules › Clipboard, off by default): the desktop app reads the OS
// clipboard once a second and offers a copied link that looks like a download (by the rules' file
// types, or any http(s) link when the user says so) with one click. Nothing is read while it is off;
// what was on the clipboard when it was switched on is not offered (only what is copied after);
// a link already listed, or offered before, is skipped. Electron's clipboard is the only thing it
// needs from Electron (passed in), so it is tested with the fake one.
import type { DownloadRule } from '../../shared/download-rules';
import { fileNameOfUrl, nameMatches } from '../../shared/rule-match';
import type { Settings } from '../../shared/settings';

export const CLIPBOARD_POLL_MS = 1000;

export interface ClipboardWatchDeps {
  readText(): string;
  settings(): Pick<Settings, 'clipboardWatch' | 'rules'>;
  /** URLs of the transfers listed now (a listed one is not offered again). */
  listedUrls(): Iterable<string>;
  offer(url: string): void;
  /** Timers, injectable for tests; default setInterval. */
  every?(ms: number, tick: () => void): () => void;
}

export interface ClipboardWatch {
  /** One look at the clipboard (the timer calls it). */
  check(): void;
  stop(): void;
}

export function watchClipboard(deps: ClipboardWatchDeps): ClipboardWatch {
  /** The clipboard's text at the last look; undefined while off (the next look only notes it). */
  let seen: string | undefined;
  const offered = new Set<string>();
  const check = () => {
    const { clipboardWatch, rules } = deps.settings();
    if (clipboardWatch === 'off') {
      seen = undefined;
      return;
    }
    const text = deps.readText();
    const first = seen === undefined;
    if (text === seen) return;
    seen = text;
    if (first) return;
    const url = copiedLink(text);
    if (!url || offered.has(url)) return;
    if (clipboardWatch === 'download-links' && !looksLikeDownload(url, rules)) return;
    for (const listed of deps.listedUrls()) if (listed === url || copiedLink(listed) === url) return;
    offered.add(url);
    deps.offer(url);
  };
  const every = deps.every ?? ((ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref?.();
    return () => clearInterval(timer);
  });
  // What is on the clipboard at start was copied before: noted now, never offered.
  check();
  const stop = every(CLIPBOARD_POLL_MS, check);
  return { check, stop };
}

/** One http(s) URL and nothing else (a copied paragraph is not a link to offer). */
export function copiedLink(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 4096 || /\s/.test(trimmed) || !/^https?:\/\//i.test(trimmed)) return undefined;
  try {
    return new URL(trimmed).href;
  } catch {
    return undefined;
  }
}

/** A link whose name one of the enabled rules' file types matches. */
export function looksLikeDownload(url: string, rules: readonly DownloadRule[]): boolean {
  const name = fileNameOfUrl(url);
  return name !== '' && rules.some((rule) => rule.enabled && rule.fileTypes.some((type) => nameMatches(type, name)));
}
