// Who may talk to the headless host. Static files are public (they hold no data); everything
// else needs the token from the printed URL. Host and Origin must name Ferry itself, so a web
// page on another site, or a DNS name rebound to 127.0.0.1, cannot drive it from a browser.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { LOOPBACK_NAMES } from '../kit/web/loopback';

export const TOKEN_HEADER = 'x-ferry-token';
export const TOKEN_QUERY = 'token';

export type GuardResult = { ok: true } | { ok: false; status: 401 | 403; message: string };

export interface RequestGuard {
  /** Host and Origin checks: every request, static files included. */
  checkSite(req: IncomingMessage): GuardResult;
  /** Token from `?token=` or the X-Ferry-Token header: every API request and socket. */
  checkToken(req: IncomingMessage): GuardResult;
  allowedHosts: ReadonlySet<string>;
}

export function tokensEqual(given: string, expected: string): boolean {
  // Hash first so the comparison is constant-time whatever the given length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function hostWithPort(address: string, port: number): string {
  const bare = address.replace(/^\[|\]$/g, '');
  return (bare.includes(':') ? `[${bare}]` : bare).toLowerCase() + `:${port}`;
}

/** Every `host:port` a browser may legitimately use to reach this host. */
export function allowedHostsFor(bindAddress: string, port: number): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, bindAddress]);
  if (bindAddress === '0.0.0.0' || bindAddress === '::') {
    // Bound to every interface: the machine's own addresses and name are Ferry's too.
    names.add(os.hostname());
    for (const list of Object.values(os.networkInterfaces())) for (const nic of list ?? []) names.add(nic.address);
  }
  const hosts = [...names].map((name) => hostWithPort(name, port));
  // Browsers leave the default port out of Host and Origin.
  if (port === 80) hosts.push(...hosts.map((h) => h.slice(0, h.lastIndexOf(':'))));
  return new Set(hosts);
}

export function createRequestGuard(options: { token: string; allowedHosts: Set<string> }): RequestGuard {
  const { token, allowedHosts } = options;
  return {
    allowedHosts,
    checkSite(req) {
      const host = (req.headers.host ?? '').toLowerCase();
      if (!allowedHosts.has(host)) return { ok: false, status: 403, message: `Host ${host.slice(0, 100) || '(none)'} is not Ferry` };
      const origin = req.headers.origin;
      if (origin !== undefined) {
        let originHost: string | undefined;
        try {
          const parsed = new URL(origin);
          originHost = parsed.protocol === 'http:' ? parsed.host.toLowerCase() : undefined;
        } catch {
          originHost = undefined;
        }
        if (!originHost || !allowedHosts.has(originHost)) {
          return { ok: false, status: 403, message: `Origin ${origin.slice(0, 100)} is not Ferry` };
        }
      }
      return { ok: true };
    },
    checkToken(req) {
      const header = req.headers[TOKEN_HEADER];
      const fromHeader = typeof header === 'string' ? header : undefined;
      const fromQuery = new URL(req.url ?? '/', 'http://x').searchParams.get(TOKEN_QUERY) ?? undefined;
      const given = fromHeader ?? fromQuery;
      if (!given) return { ok: false, status: 401, message: 'Missing token: open the URL Ferry printed' };
      if (!tokensEqual(given, token)) return { ok: false, status: 401, message: 'Wrong token: open the URL Ferry printed' };
      return { ok: true };
    },
  };
}
