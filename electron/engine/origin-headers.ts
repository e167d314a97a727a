// Headers the user or the browser extension gave for a request (Cookie, Authorization,
// Proxy-Authorization, any other) belong to the origin (scheme, host, port) of the URL they were
// given with. Every request Ferry makes asks this module which of them go to the URL it is about
// to contact: downloads on each hop of a redirect and on every range connection (which go straight
// to the URL the redirects ended at), uploads on every request (tus sends its PATCHes to the URL
// the server named). One pure rule, so no request path can differ from another.
//
// The rule, as browsers and got apply it to credentials (got strips only Cookie and Authorization,
// and compares host and port but not the scheme; Ferry strips every header it was given, and an
// https → http downgrade is another origin too):
// - same origin: every header as given;
// - another origin: none of them, with two exceptions that describe the client, not the user,
//   and that a browser sends across origins too: User-Agent as given, and Referer cut to the
//   referring page's origin (the default referrer policy, strict-origin-when-cross-origin;
//   nothing at all on an https → http downgrade);
// - a redirect chain that left the origin once stays without them, also when it comes back
//   (A → B → A): B chose the URL on A, so it is not the request the user gave them for.
//   got does the same (it deletes them from the options that every later hop reuses), and so
//   does the Fetch standard for Authorization.

/** The origin the user's headers were given for; null once a redirect chain has left it. */
export type HeaderOrigin = string | null;

/** `scheme://host:port` of a URL (default ports omitted, as URL.origin has it); null when it has none. */
export function originOf(url: string | URL): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

export function sameOrigin(a: string | URL, b: string | URL): boolean {
  const origin = originOf(a);
  return origin !== null && origin === originOf(b);
}

/** Where the user's headers stand after a hop (a redirect, a later request) to `target`. */
export function originAfterHop(givenFor: HeaderOrigin, target: string | URL): HeaderOrigin {
  return givenFor !== null && originOf(target) === givenFor ? givenFor : null;
}

/** The user's headers that may go to `target`, when they were given for the origin `givenFor`. */
export function headersFor(target: string | URL, headers: Readonly<Record<string, string>> | undefined, givenFor: HeaderOrigin): Record<string, string> {
  if (!headers) return {};
  if (givenFor !== null && originOf(target) === givenFor) return { ...headers };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'user-agent') out[name] = value;
    else if (lower === 'referer') {
      const trimmed = crossOriginReferrer(value, target);
      if (trimmed !== undefined) out[name] = trimmed;
    }
  }
  return out;
}

/** A Referer for a request to another origin: the page's origin alone, none on a downgrade. */
function crossOriginReferrer(referrer: string, target: string | URL): string | undefined {
  let page: URL;
  let to: URL;
  try {
    page = new URL(referrer);
    to = new URL(target);
  } catch {
    return undefined;
  }
  if (page.protocol !== 'http:' && page.protocol !== 'https:') return undefined;
  if (page.protocol === 'https:' && to.protocol !== 'https:') return undefined;
  return `${page.origin}/`;
}
