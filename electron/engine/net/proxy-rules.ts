// Which proxy a URL goes through, as a pure decision: aria2's option names (all-proxy, http-proxy,
// https-proxy, no-proxy) and curl's reading of the environment. A scheme's own proxy beats
// all-proxy; the no-proxy list beats both; an empty value counts as unset.
import { bypassesProxy } from './no-proxy';

export interface ProxyRules {
  /** For every scheme without its own (`--all-proxy`, `all_proxy`). */
  all?: string;
  /** For http:// URLs (`--http-proxy`, `http_proxy`). */
  http?: string;
  /** For https:// URLs (`--https-proxy`, `https_proxy`). */
  https?: string;
  /** Hosts that bypass the proxy (curl's no_proxy list, see no-proxy.ts). */
  noProxy?: string;
}

/** The proxy address for `url`, or undefined to connect directly. */
export function proxyForUrl(rules: ProxyRules, url: URL): string | undefined {
  const own = url.protocol === 'https:' ? rules.https : url.protocol === 'http:' ? rules.http : undefined;
  const proxy = nonEmpty(own) ?? nonEmpty(rules.all);
  if (!proxy) return undefined;
  return bypassesProxy(url, rules.noProxy) ? undefined : proxy;
}

/** Whether the rules name any proxy at all (otherwise every URL connects directly). */
export function namesAProxy(rules: ProxyRules): boolean {
  return Boolean(nonEmpty(rules.all) ?? nonEmpty(rules.http) ?? nonEmpty(rules.https));
}

/**
 * The rules curl reads from the environment: lower case first, then upper case, except
 * `HTTP_PROXY`, which curl never reads (a CGI script gets it from a request's `Proxy:` header).
 * An empty variable counts as unset (curl_getenv's rule).
 */
export function rulesFromEnvironment(env: Readonly<Record<string, string | undefined>>): ProxyRules {
  const rules: ProxyRules = {};
  const read = (name: string) => (env[name] ? env[name] : undefined);
  const http = read('http_proxy');
  const https = read('https_proxy') ?? read('HTTPS_PROXY');
  const all = read('all_proxy') ?? read('ALL_PROXY');
  const noProxy = read('no_proxy') ?? read('NO_PROXY');
  if (http !== undefined) rules.http = http;
  if (https !== undefined) rules.https = https;
  if (all !== undefined) rules.all = all;
  if (noProxy !== undefined) rules.noProxy = noProxy;
  return rules;
}

/**
 * Command-line options over the environment. A proxy option given (even empty, aria2's way of
 * clearing one) replaces every proxy the environment names, as curl's `--proxy` does; `--no-proxy`
 * replaces `no_proxy` (curl's `--noproxy`).
 */
export function rulesWithOptions(environment: ProxyRules, options: ProxyRules): ProxyRules {
  const proxiesGiven = options.all !== undefined || options.http !== undefined || options.https !== undefined;
  const proxies = proxiesGiven ? pick(options) : pick(environment);
  const noProxy = options.noProxy ?? environment.noProxy;
  return noProxy !== undefined ? { ...proxies, noProxy } : proxies;
}

function pick(rules: ProxyRules): ProxyRules {
  const out: ProxyRules = {};
  if (rules.all !== undefined) out.all = rules.all;
  if (rules.http !== undefined) out.http = rules.http;
  if (rules.https !== undefined) out.https = rules.https;
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The rules as what "system" means on a host without a system resolver; undefined: always direct. */
export function systemProxyFromRules(rules: ProxyRules): ((url: URL) => string | undefined) | undefined {
  return namesAProxy(rules) ? (url) => proxyForUrl(rules, url) : undefined;
}

/** What "system" means for the CLI and the headless hosts: the environment under the command-line options. */
export function systemProxyFromEnvironment(env: Readonly<Record<string, string | undefined>>, options: ProxyRules = {}) {
  return systemProxyFromRules(rulesWithOptions(rulesFromEnvironment(env), options));
}
