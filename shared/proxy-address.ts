// A proxy address as people write it (curl's and aria2's forms): `host:port`, `http://u:p@host:port`,
// `socks5h://host`. Parsed once into an endpoint with an explicit port, so the agents, the logs and
// the error messages all name the same proxy. Passwords are shown masked everywhere but the agent.
// In shared/ (no Node, no zod): the CLI checks its options with it without loading the engine.
import { maskUrlPasswords } from './secret-mask';

// The WHATWG URL parser every runtime here has; declared because shared/ is compiled without
// Node's or the DOM's types (as in secret-mask.ts).
declare const URL: new (input: string) => {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  readonly username: string;
  readonly password: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
};

export type ProxyScheme = 'http' | 'https' | 'socks4' | 'socks4a' | 'socks5' | 'socks5h';

export interface ProxyEndpoint {
  scheme: ProxyScheme;
  /** Host name or IP as in the URL (IPv6 in brackets). */
  host: string;
  port: number;
  /** The URL to hand to an agent: scheme, credentials (percent-encoded) and host:port, no path. */
  href: string;
  /** The same with the password masked: what logs, errors and views show. */
  display: string;
  /** Percent-decoded; empty when absent. */
  username: string;
  password: string;
}

const SCHEMES = new Set<string>(['http', 'https', 'socks4', 'socks4a', 'socks5', 'socks5h']);

/** curl's default proxy port when none is written (https proxies: 443). */
const DEFAULT_PORT: Record<ProxyScheme, number> = { http: 1080, https: 443, socks4: 1080, socks4a: 1080, socks5: 1080, socks5h: 1080 };

export class ProxyUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyUrlError';
  }
}

/** Parses a proxy address; throws a ProxyUrlError that says what is wrong (the password masked). */
export function parseProxyUrl(text: string): ProxyEndpoint {
  const trimmed = text.trim();
  if (!trimmed) throw new ProxyUrlError('The proxy address is empty');
  // Without a scheme it is an HTTP proxy, as for curl and aria2.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const shown = maskUrlPasswords(withScheme);
  let url: InstanceType<typeof URL>;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProxyUrlError(`Not a proxy address: ${shown}`);
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!SCHEMES.has(scheme)) {
    throw new ProxyUrlError(`Unsupported proxy scheme "${scheme}" in ${shown}: use http://, https://, socks5://, socks5h:// (or socks4://, socks4a://)`);
  }
  if (!url.hostname) throw new ProxyUrlError(`The proxy address has no host: ${shown}`);
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new ProxyUrlError(`A proxy address is scheme://[user:password@]host[:port], nothing after it: ${shown}`);
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORT[scheme as ProxyScheme];
  const credentials = url.username || url.password ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const href = `${scheme}://${credentials}${url.hostname}:${port}`;
  return {
    scheme: scheme as ProxyScheme,
    host: url.hostname,
    port,
    href,
    display: maskUrlPasswords(href),
    username: safeDecode(url.username),
    password: safeDecode(url.password),
  };
}

/** Whether `text` parses as a proxy address; the reason when it does not. */
export function proxyUrlProblem(text: string): string | undefined {
  try {
    parseProxyUrl(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
