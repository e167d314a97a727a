// What the Add dialog makes of the lines it was given: http(s) links, and a host/path typed without
// a scheme as a browser's address bar takes it (https, or http for this machine's own names and
// addresses, where a test server or a NAS on loopback rarely speaks TLS). Lines that are neither are
// listed back to the user instead of being skipped in silence.
import { extractUrls } from './format';

export interface ReadLinks {
  urls: string[];
  /** The lines (trimmed) that held no link Ferry could read. */
  unreadable: string[];
}

// host[:port][/path…]: a dotted name, localhost, an IPv4 address or a bracketed IPv6 one.
const SCHEMELESS = /^((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]*[a-z0-9]|localhost|\[[0-9a-f:.]+\])(:\d{1,5})?([/?#]\S*)?$/i;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '::1';
}

/** A line without a scheme as the URL a browser would open, or null. */
export function withScheme(line: string): string | null {
  const m = SCHEMELESS.exec(line);
  if (!m) return null;
  const host = m[1]!;
  // A download names a file: a host alone ("example.com", or a file name such as "notes.txt" that
  // looks like one) is not read as a link. Names end in letters (a TLD); addresses and localhost pass.
  if (!m[3] || m[3] === '/') return null;
  const lastLabel = host.split('.').pop() ?? '';
  const isAddress = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
  if (!isAddress && host.toLowerCase() !== 'localhost' && !/^[a-z]{2,}$/i.test(lastLabel)) return null;
  const scheme = isLoopbackHost(host) ? 'http' : 'https';
  try {
    return new URL(`${scheme}://${line}`).href;
  } catch {
    return null;
  }
}

export function readLinks(text: string): ReadLinks {
  const urls: string[] = [];
  const unreadable: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const found = extractUrls(line);
    if (found.length > 0) urls.push(...found);
    else {
      const url = withScheme(line);
      if (url) urls.push(url);
      else unreadable.push(line);
    }
  }
  return { urls: [...new Set(urls)], unreadable };
}
