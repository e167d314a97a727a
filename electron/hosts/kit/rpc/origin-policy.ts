// Which callers may reach the RPC by their `Origin` header (a web page cannot forge it): requests
// without one (scripts, native clients), Ferry's own extension, the web origins the user listed in
// Settings, or any origin when the user said so (aria2's --rpc-allow-origin-all, for a hosted AriaNg).
// Every call still needs the secret; this keeps pages the user merely visits from even trying.
import { CHROMIUM_EXTENSION_ID } from '../browser-pairing/extension-ids';

export interface OriginPolicy {
  /** Web origins from Settings (scheme://host[:port]). */
  listed: readonly string[];
  anyOrigin: boolean;
}

const FERRY_EXTENSION_ORIGIN = `chrome-extension://${CHROMIUM_EXTENSION_ID}`;

/** As browsers serialise an origin: lower case, no trailing slash, no default port. */
export function normaliseOrigin(origin: string): string {
  const lower = origin.trim().toLowerCase().replace(/\/+$/, '');
  return lower.replace(/^(http:\/\/[^/]+):80$/, '$1').replace(/^(https:\/\/[^/]+):443$/, '$1');
}

export function originAllowed(origin: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  if (policy.anyOrigin) return true;
  const normal = normaliseOrigin(origin);
  if (normal === FERRY_EXTENSION_ORIGIN) return true;
  // Firefox gives each installed extension a random moz-extension://UUID, so Ferry's cannot be told
  // apart from other installed extensions by origin; web pages never have one.
  if (/^moz-extension:\/\/[0-9a-f-]+$/.test(normal)) return true;
  // "null" (sandboxed frames, file: pages) is any page's to send: only with anyOrigin.
  return policy.listed.some((listed) => normaliseOrigin(listed) === normal);
}

/** CORS headers for an allowed caller; aria2 answers `*` under --rpc-allow-origin-all. */
export function corsHeaders(origin: string | undefined, policy: OriginPolicy): Record<string, string> {
  if (origin === undefined) return {};
  return {
    'access-control-allow-origin': policy.anyOrigin ? '*' : origin,
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers': 'Content-Type',
    'access-control-max-age': '1728000',
    vary: 'Origin',
  };
}
