// Which hosts bypass the proxy: curl's no_proxy rules (lib/noproxy.c), so a list that works for
// curl works for Ferry. A comma (or blank) separated list; `*` alone matches every host; a name
// matches itself and every host under it (`example.com` and `.example.com` both match
// `www.example.com`, never `notexample.com`); IP addresses match by value or CIDR (`10.0.0.0/8`,
// `::1`, without brackets). Two additions, as Go's and proxy-from-env's lists have them: an entry
// with a port (`example.com:8080`, `[::1]:8080`) matches only that port, and `*.example.com` is read
// as `.example.com`.
import net from 'node:net';

/** Whether `url`'s host (and port) is in the no-proxy list. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  const list = noProxy?.trim();
  if (!list) return false;
  if (list === '*') return true;
  const host = bareHost(url.hostname);
  if (!host) return false;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostKind = net.isIP(host);
  for (const raw of list.split(/[\s,]+/)) {
    if (!raw) continue;
    const entry = splitPort(raw);
    if (entry.port !== undefined && entry.port !== port) continue;
    if (entryMatches(entry.name, host, hostKind)) return true;
  }
  return false;
}

function entryMatches(name: string, host: string, hostKind: number): boolean {
  if (name === '*') return true;
  if (hostKind !== 0) return ipMatches(host, hostKind, name);
  let token = name.toLowerCase().replace(/\.$/, '');
  if (token.startsWith('*.')) token = token.slice(1);
  if (token.startsWith('.')) token = token.slice(1);
  if (!token) return false;
  return host === token || host.endsWith(`.${token}`);
}

function ipMatches(host: string, hostKind: number, entry: string): boolean {
  const [address = '', bitsText] = entry.split('/', 2);
  const kind = net.isIP(address);
  if (kind !== hostKind) return false;
  const maxBits = kind === 4 ? 32 : 128;
  const bits = bitsText === undefined ? maxBits : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > maxBits) return false;
  const block = new net.BlockList();
  if (kind === 4) block.addSubnet(address, bits, 'ipv4');
  else block.addSubnet(address, bits, 'ipv6');
  return block.check(host, kind === 4 ? 'ipv4' : 'ipv6');
}

/** `host:port`, `[v6]:port`, a bare IPv6 address (no port), or a name. */
function splitPort(entry: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return bracketed[2] ? { name: bracketed[1]!, port: Number(bracketed[2]) } : { name: bracketed[1]! };
  if (net.isIPv6(entry.split('/')[0] ?? '')) return { name: entry };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  if (withPort) return { name: withPort[1]!, port: Number(withPort[2]) };
  return { name: entry };
}

/** The URL parser's hostname without IPv6 brackets or a trailing dot, lower case. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}
