// Proxy passwords never sit in records or settings files: there the password of a proxy address
// is a reference into the host's secret store, written where the password was
// (`http://me:secret%3Aproxy.settings@host:3128`), and resolved only when a request is sent. The
// references are "secret:<ref>" values, as for upload headers, so the same stores and sweeps apply.
import type { ProxyChoice } from '../../../shared/proxy';
import { urlPassword, withUrlPassword } from '../../../shared/secret-mask';
import { isSecretRef, SECRET_REF_PREFIX, type SecretsProvider } from '../secrets';

/** The secret reference (without "secret:") a stored proxy address names, if any. */
export function proxyPasswordRef(address: string): string | undefined {
  const password = decodedPassword(address);
  return password !== undefined && isSecretRef(password) ? password.slice(SECRET_REF_PREFIX.length) : undefined;
}

/** Whether the address holds a password in clear (not a reference): never to be stored. */
export function hasClearPassword(address: string): boolean {
  const password = decodedPassword(address);
  return password !== undefined && password !== '' && !isSecretRef(password);
}

/** The address with its password replaced by a reference to `ref`. */
export function withPasswordRef(address: string, ref: string): string {
  return withUrlPassword(address, encodeURIComponent(`${SECRET_REF_PREFIX}${ref}`));
}

/** The address to connect with: a referenced password fetched from the store (rejects when it is gone). */
export async function resolveProxyPassword(address: string, secrets: SecretsProvider | undefined): Promise<string> {
  const ref = proxyPasswordRef(address);
  if (ref === undefined) return address;
  if (!secrets) throw new Error(`the proxy password "${ref}" is stored, but this host has no secret store`);
  return withUrlPassword(address, encodeURIComponent(await secrets.resolve(ref)));
}

/** Every proxy address a choice names. */
export function proxyAddresses(choice: ProxyChoice | undefined): string[] {
  if (choice?.mode !== 'manual') return [];
  return [choice.all, choice.http, choice.https].filter((a): a is string => typeof a === 'string' && a !== '');
}

function decodedPassword(address: string): string | undefined {
  const raw = urlPassword(address);
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
