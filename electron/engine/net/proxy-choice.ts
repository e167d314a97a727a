// From a proxy choice (a transfer's own, else the global setting) to what an attempt's requests
// use: no agent at all when every URL goes direct (got's and Node's defaults, untouched), else a
// RoutingAgent that asks, per request, the rules given by hand or the host's system resolver.
import type { ProxyChoice } from '../../../shared/proxy';
import { maskUrlPasswords } from '../../../shared/secret-mask';
import type { SecretsProvider } from '../secrets';
import { ProxyError } from './proxy-error';
import { namesAProxy, proxyForUrl } from './proxy-rules';
import { hasClearPassword, proxyAddresses, resolveProxyPassword } from './proxy-secret';
import { parseProxyUrl, proxyUrlProblem, type ProxyEndpoint } from '../../../shared/proxy-address';
import { RoutingAgent, type ProxyRoute, type RouteResolver } from './routing-agent';

/**
 * The system's proxy for a URL: a proxy address, or undefined to connect directly. The desktop app
 * asks Electron (system settings, PAC, WPAD); the CLI and headless hosts read the environment.
 * Throws (a ProxyError or any Error, said as a setting problem) when the answer cannot be used.
 */
export type SystemProxy = (url: URL) => string | undefined | Promise<string | undefined>;

export interface ProxyContext {
  /** Absent: "system" means no proxy (tests, hosts that follow nothing). */
  system?: SystemProxy;
  /** Where referenced proxy passwords are kept. */
  secrets?: SecretsProvider;
  /** Bound on reaching a proxy and its handshake. */
  handshakeTimeoutMs: number;
}

/** The agent for an attempt's requests; undefined when no URL can go through a proxy. */
export function proxyAgentFor(choice: ProxyChoice, context: ProxyContext): RoutingAgent | undefined {
  const route = routeResolverFor(choice, context);
  return route ? new RoutingAgent(route, context.handshakeTimeoutMs) : undefined;
}

export function routeResolverFor(choice: ProxyChoice, context: ProxyContext): RouteResolver | undefined {
  switch (choice.mode) {
    case 'none':
      return undefined;
    case 'system': {
      const { system } = context;
      if (!system) return undefined;
      return async (url) => {
        let address: string | undefined;
        try {
          address = await system(url);
        } catch (error) {
          throw error instanceof ProxyError ? error : settingError(`the system's proxy settings cannot be used: ${(error as Error).message}`);
        }
        return address ? { kind: 'proxy', endpoint: await endpointOf(address, context.secrets) } : DIRECT;
      };
    }
    case 'manual': {
      if (!namesAProxy(choice)) return undefined;
      // Parsed once per address and attempt: every range connection asks again.
      const endpoints = new Map<string, Promise<ProxyEndpoint>>();
      return async (url) => {
        const address = proxyForUrl(choice, url);
        if (!address) return DIRECT;
        let endpoint = endpoints.get(address);
        if (!endpoint) {
          endpoint = endpointOf(address, context.secrets);
          endpoints.set(address, endpoint);
        }
        return { kind: 'proxy', endpoint: await endpoint };
      };
    }
  }
}

const DIRECT: ProxyRoute = { kind: 'direct' };

async function endpointOf(address: string, secrets: SecretsProvider | undefined): Promise<ProxyEndpoint> {
  let resolved: string;
  try {
    resolved = await resolveProxyPassword(address, secrets);
  } catch (error) {
    throw settingError(`the proxy password cannot be read (${(error as Error).message}); type it again`);
  }
  try {
    return parseProxyUrl(resolved);
  } catch (error) {
    throw settingError((error as Error).message);
  }
}

function settingError(message: string): ProxyError {
  return new ProxyError('(setting)', { kind: 'setting', message });
}

/**
 * What is wrong with a transfer's own proxy choice, in words; undefined when it can be kept. Its
 * addresses must parse, and a password must already be a secret reference: a record never holds
 * one in clear (the hosts store it first).
 */
export function proxyChoiceProblem(choice: ProxyChoice): string | undefined {
  for (const address of proxyAddresses(choice)) {
    const problem = proxyUrlProblem(address);
    if (problem) return problem;
    if (hasClearPassword(address)) return `The proxy password in ${maskUrlPasswords(address)} must be stored as a secret first`;
  }
  return undefined;
}
