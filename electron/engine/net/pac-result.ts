// What Chromium's proxy resolver (Electron's `session.resolveProxy`, after system settings, PAC and
// WPAD) answers for a URL: a PAC result such as "PROXY host:3128; SOCKS5 host:1080; DIRECT".
// Ferry takes the first entry it can use and stays with it: a failing proxy is an error, never a
// quiet move down the list to DIRECT. Chromium's own meanings: SOCKS is SOCKS4, SOCKS5 resolves
// names at the proxy, HTTPS is a proxy spoken to over TLS; QUIC is not supported here and skipped.
import type { ProxyScheme } from '../../../shared/proxy-address';

export type PacChoice = { kind: 'direct' } | { kind: 'proxy'; url: string } | { kind: 'unusable'; result: string };

const SCHEME_OF: Record<string, ProxyScheme> = {
  PROXY: 'http',
  HTTP: 'http',
  HTTPS: 'https',
  SOCKS: 'socks4',
  SOCKS4: 'socks4',
  SOCKS5: 'socks5h',
};

export function choiceFromPacResult(result: string): PacChoice {
  for (const entry of result.split(';')) {
    const [keyword = '', hostPort] = entry.trim().split(/\s+/, 2);
    const upper = keyword.toUpperCase();
    if (upper === 'DIRECT') return { kind: 'direct' };
    const scheme = SCHEME_OF[upper];
    if (scheme && hostPort) return { kind: 'proxy', url: `${scheme}://${hostPort}` };
  }
  // An empty answer means no proxy; entries Ferry cannot use are an error, not a direct connection.
  return result.trim() ? { kind: 'unusable', result: result.trim() } : { kind: 'direct' };
}
