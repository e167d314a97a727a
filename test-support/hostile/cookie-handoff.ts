// The browser extension's cookie hand-off, fuzzed: random cookie jars against random requests (a
// link or an image, on the same site, another site, an unknown one, through redirects, over http
// or https). Whatever the mix, no cookie may go where the browser would not send it: no Strict
// cookie off its site, no Secure cookie over http, no cookie of another host, no Lax cookie with
// another site's image, no partitioned cookie outside its top-level site. The seed replays a run.
import { cookiesToForward, siteOf, type CookieRequest, type StoredCookie } from '../../extension/src/cookie-filter';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';

const HOSTS = ['files.example.com', 'example.com', 'cdn.example.net', 'alice.github.io', 'bob.github.io', '127.0.0.1', 'localhost'];
const PATHS = ['/', '/dl', '/dl/', '/dlx', '/dl/a/b'];
const SAME_SITES: StoredCookie['sameSite'][] = ['no_restriction', 'lax', 'strict', 'unspecified'];
const ROUNDS = 2000;

export async function cookieHandoff(ctx: LoopContext): Promise<HostileRow> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(ctx.random() * items.length)]!;
  const url = () => `${pick(['http', 'https'])}://${pick(HOSTS)}${pick(PATHS)}${pick(['', 'x.bin', '?a=1'])}`;
  const violations: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const jar: StoredCookie[] = Array.from({ length: 1 + Math.floor(ctx.random() * 6) }, (_, i) => {
      const host = pick(HOSTS);
      return {
        name: `c${i}`,
        value: 'v',
        domain: pick([host, `.${host}`]),
        hostOnly: ctx.random() < 0.5,
        path: pick(PATHS),
        secure: ctx.random() < 0.5,
        sameSite: pick(SAME_SITES),
        ...(ctx.random() < 0.2 ? { partitionKey: { topLevelSite: `https://${pick(HOSTS)}`, hasCrossSiteAncestor: ctx.random() < 0.3 } } : {}),
      };
    });
    const request: CookieRequest = {
      url: url(),
      initiators: Array.from({ length: Math.floor(ctx.random() * 3) }, url),
      kind: pick(['navigation', 'subresource'] as const),
      ...(ctx.random() < 0.3 ? { redirectedFrom: [url()] } : {}),
    };
    for (const cookie of cookiesToForward(jar, request)) {
      const problem = leak(cookie, request);
      if (problem) violations.push(`${problem}: ${JSON.stringify(cookie)} with ${JSON.stringify(request)}`);
    }
  }
  return {
    name: 'extension cookie hand-off: only what the browser would send',
    tried: ROUNDS,
    survived: violations.length === 0 ? 1 : 0,
    transfers: 1,
    bytesLost: 0,
    resent: null,
    ...(violations.length ? { note: `${violations.length}: ${violations[0]!.slice(0, 200)}` } : {}),
  };
}

/** Why sending this cookie with this request is a leak, or undefined. Written apart from the filter, on purpose. */
function leak(cookie: StoredCookie, request: CookieRequest): string | undefined {
  const target = new URL(request.url);
  const host = target.hostname;
  const domain = cookie.domain.replace(/^\./, '');
  if (cookie.hostOnly ? host !== domain : host !== domain && !host.endsWith(`.${domain}`)) return 'another host\'s cookie';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== domain) return 'a domain cookie matched an IP by suffix';
  if (cookie.secure && target.protocol !== 'https:') return 'a Secure cookie over http';
  if (!(target.pathname === cookie.path || target.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))) return 'a cookie of another path';
  const site = siteOf(request.url);
  const crossSite = request.initiators.length === 0 || [...request.initiators, ...(request.redirectedFrom ?? [])].some((u) => siteOf(u) !== site);
  if (crossSite && cookie.sameSite === 'strict') return 'a Strict cookie off its site';
  if (crossSite && cookie.sameSite === 'no_restriction' && !cookie.secure) return 'SameSite=None without Secure off its site';
  if (crossSite && request.kind === 'subresource' && cookie.sameSite !== 'no_restriction') return 'a Lax cookie with another site\'s resource';
  if (cookie.partitionKey) {
    const top = request.kind === 'navigation' ? site : siteOf(request.initiators[0] ?? '');
    if (cookie.partitionKey.hasCrossSiteAncestor || siteOf(cookie.partitionKey.topLevelSite ?? '') !== top) return 'a partitioned cookie outside its top-level site';
  }
  return undefined;
}
