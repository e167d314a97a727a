// What the extension remembers: where Ferry answers (endpoint, secret: the credentials, kept where
// only the extension's own contexts read them, see credential-store.ts) and when to hand a browser
// download to it (capture rules, in chrome.storage.local). Pairing through native messaging fills
// endpoint and secret.
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

/** The settings that let a caller use Ferry's RPC: never where a content script can read them. */
export const CREDENTIAL_KEYS = ['endpoint', 'secret', 'pairedBy'] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];
export type RpcCredentials = Pick<ExtensionSettings, CredentialKey>;

const isCredentialKey = (key: string): key is CredentialKey => (CREDENTIAL_KEYS as readonly string[]).includes(key);

/** A settings patch split by where each part is kept. */
export function splitSettings(patch: Partial<ExtensionSettings>): { credentials: Partial<RpcCredentials>; rest: Record<string, unknown> } {
  const credentials: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) (isCredentialKey(key) ? credentials : rest)[key] = value;
  return { credentials: credentials as Partial<RpcCredentials>, rest };
}

/**
 * Earlier versions kept endpoint and secret in chrome.storage.local, which content scripts
 * read. What to do with what is found there: the credential store keeps what it already has (it
 * was written after the move), else takes the old values; the old keys always leave local storage.
 */
export function planCredentialMove(local: Record<string, unknown>, stored: Record<string, unknown> | undefined): { take?: Partial<RpcCredentials>; removeFromLocal: CredentialKey[] } {
  const removeFromLocal = CREDENTIAL_KEYS.filter((key) => key in local);
  if (removeFromLocal.length === 0) return { removeFromLocal };
  if (stored && Object.keys(stored).length > 0) return { removeFromLocal };
  const take: Partial<RpcCredentials> = {};
  for (const key of removeFromLocal) (take as Record<string, unknown>)[key] = local[key];
  return { take, removeFromLocal };
}

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
