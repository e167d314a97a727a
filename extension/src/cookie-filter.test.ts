import { describe, expect, test } from 'vitest';
import { cookiesToForward, siteOf, type CookieRequest, type StoredCookie } from './cookie-filter';

const cookie = (name: string, over: Partial<StoredCookie> = {}): StoredCookie => ({
  name,
  value: `v-${name}`,
  domain: 'files.example.com',
  hostOnly: true,
  path: '/',
  secure: true,
  sameSite: 'lax',
  ...over,
});
const jar = [
  cookie('strict', { sameSite: 'strict' }),
  cookie('lax', { sameSite: 'lax' }),
  cookie('unset', { sameSite: 'unspecified' }),
  cookie('none', { sameSite: 'no_restriction' }),
  cookie('none-http', { sameSite: 'no_restriction', secure: false }),
];
const names = (cookies: StoredCookie[]) => cookies.map((c) => c.name);
const link = (initiators: string[], over: Partial<CookieRequest> = {}): CookieRequest => ({
  url: 'https://files.example.com/report.pdf',
  initiators,
  kind: 'navigation',
  ...over,
});

describe('cookiesToForward: SameSite against the initiator', () => {
  test('same-site (another host of the same registrable domain): every cookie, Strict included', () => {
    expect(names(cookiesToForward(jar, link(['https://www.example.com/page'])))).toEqual(['strict', 'lax', 'unset', 'none', 'none-http']);
  });

  test('a link on another site: what a top-level navigation carries (Lax, unset, None+Secure), never Strict', () => {
    expect(names(cookiesToForward(jar, link(['https://forum.example.org/thread'])))).toEqual(['lax', 'unset', 'none']);
  });

  test('an image or video of another site: only SameSite=None with Secure, as the page\'s own request had', () => {
    expect(names(cookiesToForward(jar, link(['https://forum.example.org/thread'], { kind: 'subresource' })))).toEqual(['none']);
  });

  test('an unknown initiator (no referrer) counts as cross-site', () => {
    expect(names(cookiesToForward(jar, link([])))).toEqual(['lax', 'unset', 'none']);
  });

  test('a frame of another site inside a same-site page is cross-site', () => {
    expect(names(cookiesToForward(jar, link(['https://www.example.com/', 'https://ads.example.net/frame'])))).toEqual(['lax', 'unset', 'none']);
  });

  test('a redirect chain that passed through another site is cross-site', () => {
    const request = link(['https://www.example.com/'], { redirectedFrom: ['https://tracker.example.net/r?to=files'] });
    expect(names(cookiesToForward(jar, request))).toEqual(['lax', 'unset', 'none']);
  });

  test('schemeful: an http page is not same-site with an https link', () => {
    expect(names(cookiesToForward(jar, link(['http://www.example.com/'])))).toEqual(['lax', 'unset', 'none']);
  });

  test('public suffixes, private ones included: two github.io users are two sites', () => {
    const pages = [cookie('s', { domain: 'alice.github.io', sameSite: 'strict' })];
    expect(cookiesToForward(pages, link(['https://mallory.github.io/'], { url: 'https://alice.github.io/f.zip' }))).toEqual([]);
    expect(cookiesToForward(pages, link(['https://alice.github.io/x'], { url: 'https://alice.github.io/f.zip' }))).toHaveLength(1);
  });
});

describe('cookiesToForward: the cookie\'s own scope', () => {
  const request = link(['https://files.example.com/']);

  test('host-only cookies need the exact host; domain cookies cover subdomains', () => {
    const cookies = [
      cookie('host-only-parent', { domain: 'example.com', hostOnly: true }),
      cookie('domain-parent', { domain: '.example.com', hostOnly: false }),
      cookie('other-sub', { domain: 'cdn.example.com', hostOnly: true }),
      cookie('suffix-trick', { domain: 'les.example.com', hostOnly: false }),
      cookie('exact', { domain: 'FILES.example.com', hostOnly: true }),
    ];
    expect(names(cookiesToForward(cookies, request))).toEqual(['domain-parent', 'exact']);
  });

  test('a domain cookie never matches an IP by suffix', () => {
    const cookies = [cookie('ip', { domain: '0.0.1', hostOnly: false })];
    expect(cookiesToForward(cookies, link(['http://10.0.0.1/'], { url: 'http://10.0.0.1/f' }))).toEqual([]);
  });

  test('Secure cookies only over https', () => {
    const plain = link(['http://files.example.com/'], { url: 'http://files.example.com/report.pdf' });
    expect(names(cookiesToForward(jar, plain))).toEqual(['none-http']);
  });

  test('path: the cookie path is the request path or a folder above it', () => {
    const cookies = [
      cookie('root', { path: '/' }),
      cookie('dl', { path: '/dl' }),
      cookie('dl-slash', { path: '/dl/' }),
      cookie('dlx', { path: '/dlx' }),
      cookie('deeper', { path: '/dl/a/b' }),
    ];
    expect(names(cookiesToForward(cookies, link(['https://files.example.com/'], { url: 'https://files.example.com/dl/a?x=1' })))).toEqual(['root', 'dl', 'dl-slash']);
  });

  test('partitioned (CHIPS) cookies go only to their own top-level site', () => {
    const cookies = [
      cookie('own', { partitionKey: { topLevelSite: 'https://example.com' } }),
      cookie('embedded-elsewhere', { partitionKey: { topLevelSite: 'https://example.org' }, sameSite: 'no_restriction' }),
      cookie('cross-ancestor', { partitionKey: { topLevelSite: 'https://example.com', hasCrossSiteAncestor: true } }),
    ];
    // A link becomes the top-level document: its own site's partition.
    expect(names(cookiesToForward(cookies, request))).toEqual(['own']);
    // An image on example.org's page: example.org's partition.
    const image = link(['https://www.example.org/'], { kind: 'subresource' });
    expect(names(cookiesToForward(cookies, image))).toEqual(['embedded-elsewhere']);
  });

  test('nothing for a URL that is not http(s) or not a URL', () => {
    expect(cookiesToForward(jar, link([], { url: 'ftp://files.example.com/x' }))).toEqual([]);
    expect(cookiesToForward(jar, link([], { url: 'not a url' }))).toEqual([]);
  });
});

test('siteOf', () => {
  expect(siteOf('https://a.b.example.co.uk:8443/x')).toBe('https://example.co.uk');
  expect(siteOf('http://127.0.0.1:9000/')).toBe('http://127.0.0.1');
  expect(siteOf('http://localhost:9000/')).toBe('http://localhost');
  expect(siteOf('http://[::1]:9000/')).toBe('http://[::1]');
  expect(siteOf('blob:https://x.test/1')).toBeUndefined();
  expect(siteOf('')).toBeUndefined();
});
