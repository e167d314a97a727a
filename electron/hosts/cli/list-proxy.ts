// A -i list's own proxy for one download (`all-proxy=http://user:pass@host` under its URL) in a
// command's own engine. Records never hold a proxy password: it goes into this run's memory, and
// the record names it by a reference derived from the proxy and the password (proxy-secrets.ts),
// so running the same command again finds it under the same name and continues the download.
import type { ProxyChoice } from '../../../shared/proxy';
import type { MemorySecretsProvider } from '../../engine/index';
import { storeTransferProxy } from '../kit/service/proxy-secrets';

export async function listProxyForEngine(choice: ProxyChoice | undefined, secrets: MemorySecretsProvider): Promise<ProxyChoice | undefined> {
  if (choice === undefined) return undefined;
  return storeTransferProxy(choice, { set: async (ref, value) => secrets.set(ref, value) });
}
