// Proxy passwords typed into Settings, an add dialog or handed over by `ferry get --all-proxy`:
// they go to the host's secret store and the address keeps a reference in the password's place
// (engine/net/proxy-secret.ts), so settings.json and the records never hold one. Views get the
// mask. Sending the mask back keeps the stored password, but only while the proxy's scheme, host,
// port and user stay the same: a client that never saw a password cannot send it elsewhere.
import { createHash } from 'node:crypto';
import { maskedProxyChoice, type ProxyChoice } from '../../../../shared/proxy';
import type { Settings } from '../../../../shared/settings';
import { hasMaskedPassword, sameOrigin } from '../../../../shared/secret-mask';
import { isSecretRef, parseProxyUrl, proxyPasswordRef, withPasswordRef } from '../../../engine/index';

export interface ProxySecretStore {
  set(ref: string, value: string): Promise<void>;
  has(ref: string): boolean;
  delete(ref: string): Promise<void>;
}

type Field = 'all' | 'http' | 'https';
const FIELDS: readonly Field[] = ['all', 'http', 'https'];

/** References of per-transfer proxy passwords start so; the ad-hoc keeper sweeps them with the transfers. */
export const TRANSFER_PROXY_PREFIX = 'transfer-proxy.';

export function settingsProxyRef(field: Field): string {
  return `settings.proxy.${field}`;
}

export class ProxyInputError extends Error {}

/** The choice to save in Settings: addresses normalised, passwords moved into the store. */
export async function storeSettingsProxy(next: ProxyChoice, before: ProxyChoice, store: ProxySecretStore | undefined): Promise<ProxyChoice> {
  const stored: ProxyChoice = next.mode === 'manual' ? { mode: 'manual' } : next;
  for (const field of FIELDS) {
    const ref = settingsProxyRef(field);
    const address = next.mode === 'manual' ? next[field]?.trim() : undefined;
    const previous = before.mode === 'manual' ? before[field] : undefined;
    const kept = address ? await storeOne(address, ref, previous, store) : undefined;
    if (kept !== undefined) (stored as Record<Field, string>)[field] = kept;
    if (!kept || proxyPasswordRef(kept) === undefined) await store?.delete(ref);
  }
  if (next.mode === 'manual' && next.noProxy !== undefined) (stored as { noProxy?: string }).noProxy = next.noProxy;
  return stored;
}

/**
 * A transfer's own choice: each password stored under a reference derived from it (a rerun reuses
 * it). `current` is the transfer's choice before an edit: a masked password keeps its stored one
 * for the same proxy and user.
 */
export async function storeTransferProxy(
  choice: ProxyChoice,
  store: Pick<ProxySecretStore, 'set'> | undefined,
  current?: ProxyChoice,
): Promise<ProxyChoice> {
  if (choice.mode !== 'manual') return choice;
  const stored: ProxyChoice = { ...choice };
  for (const field of FIELDS) {
    const address = choice[field]?.trim();
    if (!address) continue;
    const endpoint = parsed(address, field);
    if (!endpoint.password) {
      stored[field] = endpoint.href;
      continue;
    }
    const before = current?.mode === 'manual' ? current[field] : undefined;
    if (hasMaskedPassword(endpoint.href) && before && proxyPasswordRef(before) !== undefined && sameOrigin(before, endpoint.href) && userOf(before) === userOf(endpoint.href)) {
      stored[field] = before;
      continue;
    }
    if (hasMaskedPassword(endpoint.href) || isSecretRef(endpoint.password)) throw new ProxyInputError(`${label(field)}: type the proxy's password`);
    if (!store) throw new ProxyInputError('This host cannot keep proxy passwords');
    const digest = createHash('sha256').update(`${endpoint.display}\n${endpoint.password}`).digest('hex').slice(0, 32);
    const ref = `${TRANSFER_PROXY_PREFIX}${digest}`;
    await store.set(ref, endpoint.password);
    stored[field] = withPasswordRef(endpoint.href, ref);
  }
  return stored;
}

/** Settings as every UI sees them: the proxy's passwords masked. */
export function settingsView(settings: Settings): Settings {
  return { ...settings, proxy: maskedProxyChoice(settings.proxy) };
}

async function storeOne(address: string, ref: string, previous: string | undefined, store: ProxySecretStore | undefined): Promise<string> {
  const endpoint = parsed(address, ref);
  if (!endpoint.password) return endpoint.href;
  if (hasMaskedPassword(endpoint.href)) {
    const previousRef = previous ? proxyPasswordRef(previous) : undefined;
    if (!previous || previousRef === undefined || !store?.has(previousRef)) throw new ProxyInputError('Type the proxy password');
    if (!sameOrigin(previous, endpoint.href) || userOf(previous) !== userOf(endpoint.href)) {
      throw new ProxyInputError(`The proxy is now ${endpoint.display}: type its password again (a saved password only goes to the proxy it was saved for)`);
    }
    return withPasswordRef(endpoint.href, ref);
  }
  if (isSecretRef(endpoint.password)) throw new ProxyInputError('Proxy passwords starting with "secret:" are reserved');
  if (!store) throw new ProxyInputError('This host cannot keep proxy passwords');
  await store.set(ref, endpoint.password);
  return withPasswordRef(endpoint.href, ref);
}

function parsed(address: string, what: string) {
  try {
    return parseProxyUrl(address);
  } catch (error) {
    throw new ProxyInputError(`${label(what)}: ${(error as Error).message}`);
  }
}

function userOf(address: string): string {
  try {
    return new URL(address).username;
  } catch {
    return '';
  }
}

function label(what: string): string {
  return what.includes('https') ? 'HTTPS proxy' : what.includes('http') ? 'HTTP proxy' : 'Proxy';
}
