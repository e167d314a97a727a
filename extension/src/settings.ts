// What the extension remembers (chrome.storage.local): where Ferry answers and when to hand a
// browser download to it. Pairing through native messaging fills endpoint and secret.
export interface ExtensionSettings {
  /** aria2-compatible JSON-RPC endpoint of Ferry. */
  endpoint: string;
  /** The RPC secret, sent as aria2's `token:SECRET` first parameter. */
  secret: string;
  /** Hand the browser's own downloads to Ferry (by the rules below). */
  capture: boolean;
  /** Downloads smaller than this stay in the browser; 0 captures every size. */
  minSizeMiB: number;
  /** Extensions (without dot, lower case) to capture; empty captures every type. */
  fileTypes: string[];
  /** How endpoint and secret were obtained. */
  pairedBy: 'native' | 'manual' | 'none';
}

export const DEFAULT_SETTINGS: ExtensionSettings = {
  endpoint: 'http://127.0.0.1:6800/jsonrpc',
  secret: '',
  capture: true,
  minSizeMiB: 0,
  fileTypes: [],
  pairedBy: 'none',
};

/** Storage may hold anything (older versions, a hand edit): keep only well-typed values. */
export function readSettings(stored: Record<string, unknown>): ExtensionSettings {
  const s = { ...DEFAULT_SETTINGS };
  if (typeof stored.endpoint === 'string' && isLoopbackHttpUrl(stored.endpoint)) s.endpoint = stored.endpoint;
  if (typeof stored.secret === 'string') s.secret = stored.secret;
  if (typeof stored.capture === 'boolean') s.capture = stored.capture;
  if (typeof stored.minSizeMiB === 'number' && Number.isFinite(stored.minSizeMiB) && stored.minSizeMiB >= 0) s.minSizeMiB = stored.minSizeMiB;
  if (Array.isArray(stored.fileTypes)) s.fileTypes = parseFileTypes(stored.fileTypes.filter((t): t is string => typeof t === 'string').join(' '));
  if (stored.pairedBy === 'native' || stored.pairedBy === 'manual') s.pairedBy = stored.pairedBy;
  return s;
}

/** "zip, .ISO  mp4" -> ["zip", "iso", "mp4"] */
export function parseFileTypes(text: string): string[] {
  const types = text
    .split(/[\s,;]+/)
    .map((t) => t.trim().replace(/^\*?\./, '').toLowerCase())
    .filter((t) => /^[a-z0-9][a-z0-9_+-]{0,15}$/.test(t));
  return [...new Set(types)];
}

/**
 * Cookies and the secret go to this endpoint: it must be Ferry on this machine, never a remote
 * host an options-page typo or a tampered storage value points at.
 */
export function isLoopbackHttpUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
