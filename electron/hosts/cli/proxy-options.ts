// The proxy options of every command, with aria2's names: --all-proxy, --http-proxy,
// --https-proxy, --no-proxy. They stand over http_proxy & co. of the environment as curl's
// options do (engine/net/proxy-rules.ts); an unusable address is a usage error before anything runs.
import type { ParseArgsConfig } from 'node:util';
import type { ProxyChoice } from '../../../shared/proxy';
import { proxyUrlProblem } from '../../../shared/proxy-address';
import type { ProxyRules } from '../../engine/index';

export const PROXY_OPTIONS = {
  'all-proxy': { type: 'string' },
  'http-proxy': { type: 'string' },
  'https-proxy': { type: 'string' },
  'no-proxy': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type ProxyValues = { [K in keyof typeof PROXY_OPTIONS]?: string | undefined };

/** The rules the options give (not yet the environment's); throws the problem in words. */
export function proxyOptionRules(values: ProxyValues): ProxyRules {
  const rules: ProxyRules = {};
  const address = (flag: 'all-proxy' | 'http-proxy' | 'https-proxy'): string | undefined => {
    const value = values[flag];
    // Empty clears it (aria2): no proxy from the environment either.
    if (value === undefined || value.trim() === '') return value;
    const problem = proxyUrlProblem(value);
    if (problem) throw new ProxyOptionError(`--${flag}: ${problem}`);
    return value.trim();
  };
  const all = address('all-proxy');
  const http = address('http-proxy');
  const https = address('https-proxy');
  if (all !== undefined) rules.all = all;
  if (http !== undefined) rules.http = http;
  if (https !== undefined) rules.https = https;
  if (values['no-proxy'] !== undefined) rules.noProxy = values['no-proxy'];
  return rules;
}

export class ProxyOptionError extends Error {}

/**
 * What a command hands to a running Ferry with its transfers: the proxy options given, as the
 * transfers' own choice (all of them empty: no proxy). Without options the running Ferry's setting
 * applies (its environment or system, not this shell's).
 */
export function handedOverProxy(rules: ProxyRules): ProxyChoice | undefined {
  const given = [rules.all, rules.http, rules.https].filter((a): a is string => a !== undefined);
  if (given.length === 0) return undefined;
  if (given.every((a) => a.trim() === '')) return { mode: 'none' };
  const choice: ProxyChoice = { mode: 'manual' };
  if (rules.all) choice.all = rules.all;
  if (rules.http) choice.http = rules.http;
  if (rules.https) choice.https = rules.https;
  if (rules.noProxy !== undefined) choice.noProxy = rules.noProxy;
  return choice;
}
