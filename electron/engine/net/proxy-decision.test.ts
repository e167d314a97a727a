// The pure decisions: which proxy a URL takes (aria2's names, curl's environment and no_proxy
// rules), what a proxy address means, what Chromium's resolver answers mean.
import { describe, expect, it } from 'vitest';
import { bypassesProxy } from './no-proxy';
import { choiceFromPacResult } from './pac-result';
import { proxyForUrl, rulesFromEnvironment, rulesWithOptions } from './proxy-rules';
import { hasClearPassword, proxyPasswordRef, withPasswordRef } from './proxy-secret';
import { parseProxyUrl, proxyUrlProblem } from '../../../shared/proxy-address';

const bypass = (url: string, list: string) => bypassesProxy(new URL(url), list);

describe('no_proxy (curl lib/noproxy.c, plus ports and *.)', () => {
  it('a name matches itself and the hosts under it, never a longer name', () => {
    expect(bypass('http://example.com/', 'example.com')).toBe(true);
    expect(bypass('http://www.example.com/', 'example.com')).toBe(true);
    expect(bypass('http://a.b.example.com:8080/', 'example.com')).toBe(true);
    expect(bypass('http://notexample.com/', 'example.com')).toBe(false);
    expect(bypass('http://example.com.org/', 'example.com')).toBe(false);
  });

  it('a leading dot, a trailing dot, *. and case do not matter', () => {
    expect(bypass('http://example.com/', '.example.com')).toBe(true);
    expect(bypass('http://www.Example.COM/', '.EXAMPLE.com.')).toBe(true);
    expect(bypass('http://www.example.com./', 'example.com')).toBe(true);
    expect(bypass('http://www.example.com/', '*.example.com')).toBe(true);
  });

  it('* alone matches everything; an empty list matches nothing', () => {
    expect(bypass('http://anything.test/', '*')).toBe(true);
    expect(bypass('https://[::1]/', ' * ')).toBe(true);
    expect(bypass('http://anything.test/', '')).toBe(false);
    expect(bypass('http://anything.test/', ' , ,')).toBe(false);
  });

  it('lists are comma or blank separated', () => {
    expect(bypass('http://b.test/', 'a.test, b.test')).toBe(true);
    expect(bypass('http://c.test/', 'a.test b.test,,c.test')).toBe(true);
    expect(bypass('http://d.test/', 'a.test b.test,,c.test')).toBe(false);
  });

  it('IP addresses match by value or CIDR block, IPv6 without brackets; names never match IPs', () => {
    expect(bypass('http://127.0.0.1:8080/', '127.0.0.1')).toBe(true);
    expect(bypass('http://10.1.2.3/', '10.0.0.0/8')).toBe(true);
    expect(bypass('http://11.1.2.3/', '10.0.0.0/8')).toBe(false);
    expect(bypass('http://[::1]:3000/', '::1')).toBe(true);
    expect(bypass('http://[fd00::5]/', 'fd00::/8')).toBe(true);
    expect(bypass('http://[fe80::5]/', 'fd00::/8')).toBe(false);
    expect(bypass('http://127.0.0.1/', 'localhost')).toBe(false);
    expect(bypass('http://localhost/', '127.0.0.1')).toBe(false);
    expect(bypass('http://1.2.3.4/', '2.3.4')).toBe(false);
  });

  it('an entry with a port matches that port only (the scheme default counts)', () => {
    expect(bypass('http://example.com:8080/', 'example.com:8080')).toBe(true);
    expect(bypass('http://example.com:8081/', 'example.com:8080')).toBe(false);
    expect(bypass('http://example.com/', 'example.com:80')).toBe(true);
    expect(bypass('https://example.com/', 'example.com:80')).toBe(false);
    expect(bypass('http://[::1]:9000/', '[::1]:9000')).toBe(true);
    expect(bypass('http://[::1]:9001/', '[::1]:9000')).toBe(false);
    expect(bypass('http://127.0.0.1:5/', '127.0.0.1:5')).toBe(true);
  });
});

describe('which proxy a URL takes', () => {
  const rules = { all: 'socks5h://all:1080', http: 'http://h:3128', https: 'http://s:3128', noProxy: 'intranet.test' };

  it("a scheme's own proxy beats all-proxy; no-proxy beats both; empty means unset", () => {
    expect(proxyForUrl(rules, new URL('http://x.test/'))).toBe('http://h:3128');
    expect(proxyForUrl(rules, new URL('https://x.test/'))).toBe('http://s:3128');
    expect(proxyForUrl({ all: 'socks5h://all:1080' }, new URL('https://x.test/'))).toBe('socks5h://all:1080');
    expect(proxyForUrl({ all: 'socks5h://all:1080', https: '' }, new URL('https://x.test/'))).toBe('socks5h://all:1080');
    expect(proxyForUrl(rules, new URL('https://www.intranet.test/'))).toBeUndefined();
    expect(proxyForUrl({ noProxy: '' }, new URL('https://x.test/'))).toBeUndefined();
  });

  it("the environment as curl reads it: lower case first, HTTP_PROXY never", () => {
    expect(rulesFromEnvironment({ HTTP_PROXY: 'http://cgi-injected:1', HTTPS_PROXY: 'http://S:1', ALL_PROXY: 'socks5://A:1', NO_PROXY: 'N' })).toEqual({
      https: 'http://S:1',
      all: 'socks5://A:1',
      noProxy: 'N',
    });
    expect(
      rulesFromEnvironment({ http_proxy: 'h', https_proxy: 's', HTTPS_PROXY: 'S', all_proxy: 'a', ALL_PROXY: 'A', no_proxy: 'n', NO_PROXY: 'N' }),
    ).toEqual({ http: 'h', https: 's', all: 'a', noProxy: 'n' });
    // An empty variable is unset for curl (curl_getenv): the upper-case one counts then.
    expect(rulesFromEnvironment({ https_proxy: '', HTTPS_PROXY: 'S', http_proxy: '' })).toEqual({ https: 'S' });
  });

  it('command-line proxies replace the environment\'s (even an empty one); --no-proxy replaces no_proxy', () => {
    const env = rulesFromEnvironment({ http_proxy: 'http://env:1', https_proxy: 'http://env:2', no_proxy: 'env.test' });
    expect(rulesWithOptions(env, {})).toEqual(env);
    expect(rulesWithOptions(env, { all: 'socks5h://cli:1' })).toEqual({ all: 'socks5h://cli:1', noProxy: 'env.test' });
    const cleared = rulesWithOptions(env, { all: '' });
    expect(proxyForUrl(cleared, new URL('http://x.test/'))).toBeUndefined();
    expect(rulesWithOptions(env, { noProxy: '*' })).toEqual({ http: 'http://env:1', https: 'http://env:2', noProxy: '*' });
  });
});

describe('proxy addresses', () => {
  it('fills in the scheme and port as curl does, decodes credentials, masks them for display', () => {
    expect(parseProxyUrl('proxy.test')).toMatchObject({ scheme: 'http', host: 'proxy.test', port: 1080, href: 'http://proxy.test:1080' });
    expect(parseProxyUrl('https://proxy.test')).toMatchObject({ port: 443 });
    const p = parseProxyUrl('SOCKS5H://me:p%40ss@[::1]:9050');
    expect(p).toMatchObject({ scheme: 'socks5h', host: '[::1]', port: 9050, username: 'me', password: 'p@ss' });
    expect(p.href).toBe('socks5h://me:p%40ss@[::1]:9050');
    expect(p.display).toBe('socks5h://me:••••••••@[::1]:9050');
  });

  it('refuses what cannot be a proxy, in words, the password masked', () => {
    expect(proxyUrlProblem('ftp://u:hunter2@proxy.test')).toMatch(/Unsupported proxy scheme "ftp" in ftp:\/\/u:•+@proxy\.test/);
    expect(proxyUrlProblem('http://proxy.test/path')).toMatch(/nothing after it/);
    expect(proxyUrlProblem('   ')).toMatch(/empty/);
    expect(proxyUrlProblem('http://u:hunter2@')).not.toContain('hunter2');
  });

  it('stored passwords are references in the password slot', () => {
    const stored = withPasswordRef('http://me:hunter2@proxy.test:3128', 'proxy.settings');
    expect(stored).toBe('http://me:secret%3Aproxy.settings@proxy.test:3128');
    expect(proxyPasswordRef(stored)).toBe('proxy.settings');
    expect(hasClearPassword(stored)).toBe(false);
    expect(hasClearPassword('http://me:hunter2@proxy.test:3128')).toBe(true);
    expect(hasClearPassword('http://me@proxy.test:3128')).toBe(false);
  });
});

describe("Chromium's resolver answers (PAC results)", () => {
  it('takes the first usable entry and never moves on to DIRECT', () => {
    expect(choiceFromPacResult('DIRECT')).toEqual({ kind: 'direct' });
    expect(choiceFromPacResult('')).toEqual({ kind: 'direct' });
    expect(choiceFromPacResult('PROXY proxy.test:3128; DIRECT')).toEqual({ kind: 'proxy', url: 'http://proxy.test:3128' });
    expect(choiceFromPacResult('SOCKS5 s.test:1080')).toEqual({ kind: 'proxy', url: 'socks5h://s.test:1080' });
    expect(choiceFromPacResult('SOCKS s.test:1080')).toEqual({ kind: 'proxy', url: 'socks4://s.test:1080' });
    expect(choiceFromPacResult('HTTPS secure.test:443')).toEqual({ kind: 'proxy', url: 'https://secure.test:443' });
    expect(choiceFromPacResult('QUIC q.test:443; PROXY p.test:8080')).toEqual({ kind: 'proxy', url: 'http://p.test:8080' });
    expect(choiceFromPacResult('QUIC q.test:443')).toEqual({ kind: 'unusable', result: 'QUIC q.test:443' });
  });
});
