// What UIs and logs see instead of secrets, and when a kept secret may follow a changed URL.
// Defined once here (no zod, no Node, no DOM) so the hosts, the CLI and the renderer agree.

// The WHATWG URL parser every runtime here has (Node, Chromium); declared because shared/ is
// compiled without Node's or the DOM's types. Only the real parser may judge an origin: a regex
// would read `https://a.com\@evil.com/` differently from the HTTP client that sends to it.
declare const URL: new (input: string) => { readonly protocol: string; readonly host: string };

/** Shown instead of a secret header value; sent back by an editor, it means "keep the stored one". */
export const SECRET_MASK = '••••••••';

// scheme://user:password@ — the password runs to the last "@" before the path, query or fragment
// (a raw "@" in a password is legal for WHATWG parsers), so a greedy match cannot leak its tail.
// The lookbehind starts a match only where a scheme starts, so a long run of letters before
// "://" costs one attempt, not one per letter.
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#]*@/gi;

/**
 * Replaces the password of every URL in `text` with the mask: a URL alone, or a log line or
 * error message that quotes one. `https://me:pw@host/x` → `https://me:••••••••@host/x`.
 */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1:${SECRET_MASK}@`);
}

const ONE_URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):([^\s/?#]*)@/i;
const ENCODED_MASK = encodeURIComponent(SECRET_MASK);

/** The password of a URL as written (still percent-encoded); undefined when it has none. */
export function urlPassword(url: string): string | undefined {
  return ONE_URL_PASSWORD.exec(url)?.[2];
}

/** Whether the URL's password is the mask (as sent back by an editor, raw or percent-encoded). */
export function hasMaskedPassword(url: string): boolean {
  const password = urlPassword(url);
  return password === SECRET_MASK || password?.toUpperCase() === ENCODED_MASK;
}

/** The URL with its password replaced by `password` (as written in a URL); unchanged without one. */
export function withUrlPassword(url: string, password: string): string {
  return url.replace(ONE_URL_PASSWORD, (_all, start: string) => `${start}:${password}@`);
}

/**
 * Whether a secret stored for `before` may still be sent to `after`: only when scheme, host and
 * port are unchanged. Anything unparsable counts as a change.
 */
export function sameOrigin(before: string, after: string): boolean {
  try {
    const a = new URL(before);
    const b = new URL(after);
    return a.protocol === b.protocol && a.host === b.host;
  } catch {
    return false;
  }
}
