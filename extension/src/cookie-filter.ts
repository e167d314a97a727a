// Which of the browser's cookies go with a download handed to Ferry: only those the browser itself
// would send with that request. chrome.cookies.getAll({url}) gives every cookie stored for the
// URL's host, HttpOnly and SameSite=Strict included; forwarding them all would hand a site's
// session to a request the site never allowed it on (a link on another site). Pure, so every rule
// is tested without a browser.
import { parse } from 'tldts';

/** The fields of chrome.cookies.Cookie the rules need (Firefox's browser.cookies.Cookie has them too). */
export interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  sameSite: 'no_restriction' | 'lax' | 'strict' | 'unspecified';
  partitionKey?: { topLevelSite?: string; hasCrossSiteAncestor?: boolean };
}

export interface CookieRequest {
  /** The URL Ferry fetches (the browser's final URL after redirects). */
  url: string;
  /** URLs the browser went through before `url`: a redirect chain that crossed sites is cross-site. */
  redirectedFrom?: readonly string[];
  /**
   * Where the request comes from: the page and the frame the link was in, or a captured download's
   * referrer. Empty when unknown, which counts as cross-site.
   */
  initiators: readonly string[];
  /**
   * `navigation`: a link followed (a click, "Download with Ferry" on a link), sent as a top-level
   * GET navigation, which carries SameSite=Lax cookies even from another site.
   * `subresource`: an element's own resource (img/video/audio src), which does not.
   */
  kind: 'navigation' | 'subresource';
}

/** The cookies a browser sends with this request, in the order given. */
export function cookiesToForward<C extends StoredCookie>(cookies: readonly C[], request: CookieRequest): C[] {
  let target: URL;
  try {
    target = new URL(request.url);
  } catch {
    return [];
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return [];
  const targetSite = siteOf(request.url);
  const sameSite =
    targetSite !== undefined &&
    request.initiators.length > 0 &&
    [...request.initiators, ...(request.redirectedFrom ?? [])].every((url) => siteOf(url) === targetSite);
  // A navigation makes the target the top-level document; a subresource stays under the page.
  const topLevelSite = request.kind === 'navigation' ? targetSite : siteOf(request.initiators[0] ?? '');
  return cookies.filter((cookie) => {
    if (!domainMatches(cookie, target.hostname)) return false;
    if (!pathMatches(cookie.path, target.pathname)) return false;
    if (cookie.secure && target.protocol !== 'https:') return false;
    if (cookie.partitionKey) {
      // CHIPS: a partitioned cookie belongs to one top-level site, never to a cross-site embed of it.
      if (cookie.partitionKey.hasCrossSiteAncestor) return false;
      if (topLevelSite === undefined || normalizeSite(cookie.partitionKey.topLevelSite) !== topLevelSite) return false;
    }
    if (sameSite) return true;
    switch (cookie.sameSite) {
      case 'no_restriction':
        // Chromium refuses SameSite=None without Secure; a cookie that says None over http is not trusted cross-site.
        return cookie.secure;
      case 'lax':
      case 'unspecified': // Chromium treats a cookie without SameSite as Lax.
        return request.kind === 'navigation';
      default:
        return false;
    }
  });
}

/** "Site" as browsers use it for SameSite: scheme plus registrable domain (eTLD+1), or the host itself for IPs and single labels. */
export function siteOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname.toLowerCase();
  const info = parse(host, { allowPrivateDomains: true });
  const registrable = info.isIp ? null : info.domain;
  return `${parsed.protocol}//${registrable ?? host}`;
}

function normalizeSite(site: string | undefined): string | undefined {
  return site === undefined ? undefined : siteOf(site);
}

/** RFC 6265 §5.1.3: host-only cookies need the exact host; domain cookies also match its subdomains (never for an IP). */
function domainMatches(cookie: StoredCookie, requestHost: string): boolean {
  const host = requestHost.toLowerCase().replace(/^\[|\]$/g, '');
  const domain = cookie.domain.toLowerCase().replace(/^\./, '');
  if (host === domain) return true;
  if (cookie.hostOnly) return false;
  if (parse(host).isIp) return false;
  return host.endsWith(`.${domain}`);
}

/** RFC 6265 §5.1.4. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  const path = requestPath || '/';
  if (path === cookiePath) return true;
  if (!path.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/';
}
