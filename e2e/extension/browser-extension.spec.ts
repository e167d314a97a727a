/// <reference types="chrome" />
// Ferry's browser extension in Debian's Chromium (headless, loaded unpacked), against a real Ferry
// (`ferry rpc` under the test's HOME): it pairs through the native-messaging host that Ferry
// installed for that HOME's Chromium before Chromium ever ran there, keeps the secret out of the
// content script's reach, hands a
// clicked download over (no browser download left) with only the cookies the browser itself sent,
// moves an earlier version's secret out of chrome.storage.local, hands the browser's size over so a
// file Ferry is already fetching is held for the user's answer, lets Alt+click downloads stay in
// the browser, and with Ferry stopped the browser downloads the file itself.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { randomBytes } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { shot } from '../support/shots';
import type { RpcPeer } from './rpc-peer';
import { startExtensionSession, type ExtensionSession } from './extension-session';

const ROOT = path.resolve(import.meta.dirname, '../..');

test.describe.configure({ mode: 'serial' });

let session: ExtensionSession;
let dataDir: string;
let server: TestServer;
let peer: RpcPeer;
let context: BrowserContext;
let worker: Worker;
let page: Page;
const fileBody = randomBytes(2_000_000, 11);
const altBody = randomBytes(300_000, 12);
const laterBody = randomBytes(500_000, 13);
const crossBody = randomBytes(400_000, 14);
const movedBody = randomBytes(300_000, 15);
const againBody = randomBytes(2_000_000, 16);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test.beforeAll(async () => {
  server = await startTestServer();
  const attachment = (name: string) => ({ 'content-disposition': `attachment; filename="${name}"` });
  server.route('/files/report.bin', { body: fileBody, headers: attachment('report.bin') });
  server.route('/files/keep.bin', { body: altBody, headers: attachment('keep.bin') });
  server.route('/files/later.bin', { body: laterBody, headers: attachment('later.bin') });
  server.route('/files/cross.bin', { body: crossBody, headers: attachment('cross.bin') });
  server.route('/files/moved.bin', { body: movedBody, headers: attachment('moved.bin') });
  // Slow (per connection), so the first handoff is still unfinished when the link is clicked again.
  server.route('/files/again.bin', { body: againBody, headers: attachment('again.bin'), rateBytesPerSec: 20_000 });
  server.route('/page', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><a id="get" href="/files/report.bin">report</a> <a id="keep" href="/files/keep.bin">keep</a> <a id="later" href="/files/later.bin">later</a> <a id="moved" href="/files/moved.bin">moved</a> <a id="again" href="/files/again.bin">again</a>');
  });
  // Served as http://localhost:PORT: another site than 127.0.0.1, whose cookies the link's download needs.
  server.route('/cross-page', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><a id="cross" href="${server.url('/files/cross.bin')}">cross-site file</a>`);
  });
  session = await startExtensionSession('ferry-ext-home-');
  ({ dataDir, peer, context, worker } = session);
  page = await session.newPage();
  await page.goto(server.url('/page'));
});

test.afterAll(async () => {
  await session?.close();
  await server?.close();
});

test('Ferry installed the pairing for Chromium before Chromium had a profile in this HOME (issue 18)', async () => {
  // The session started `ferry rpc` first and Chromium after it, in an empty HOME: the manifest
  // was there when Chromium made its profile folder around it.
  expect(JSON.parse(await readFile(path.join(session.profile, 'NativeMessagingHosts', 'dev.ferry.host.json'), 'utf8'))).toMatchObject({
    allowed_origins: ['chrome-extension://lojocmffkaoblkneplpkmbkkmlbboifh/'],
  });
  for (const other of ['google-chrome', 'microsoft-edge', 'BraveSoftware/Brave-Browser', 'vivaldi']) {
    expect((await stat(path.join(session.home, '.config', other, 'NativeMessagingHosts', 'dev.ferry.host.json'))).isFile()).toBe(true);
  }
});

const browserDownloads = () => worker.evaluate(() => chrome.downloads.search({}));

/** The extension's credential store (IndexedDB of its own origin), read in the service worker. */
const storedCredentials = () =>
  worker.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('ferry');
        open.onupgradeneeded = () => open.result.createObjectStore('credentials');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction('credentials').objectStore('credentials').get('rpc');
          read.onsuccess = () => (db.close(), resolve(read.result));
          read.onerror = () => (db.close(), reject(read.error));
        };
      }),
  );
const localStorageOfExtension = () => worker.evaluate(() => chrome.storage.local.get(null));
const cookiesOf = (header: string | string[] | undefined) => new Set(String(header ?? '').split(/;\s*/).filter(Boolean));

test('pairs with Ferry through the native-messaging host, without copy-paste; the secret is kept out of chrome.storage.local', async () => {
  await expect.poll(storedCredentials, { timeout: 15_000 }).toEqual({ endpoint: peer.endpoint, secret: peer.secret, pairedBy: 'native' });
  const local = await localStorageOfExtension();
  expect(local).not.toHaveProperty('secret');
  expect(local).not.toHaveProperty('endpoint');
});

test('the content script, which runs in every page, cannot reach the RPC secret or endpoint', async () => {
  // Every storage area a content script has, and the IndexedDB it sees (the page's origin, not the extension's).
  const seen = await session.inContentScript(
    page,
    `(async () => {
      const area = (name) => chrome.storage[name].get(null).then((v) => JSON.stringify(v), (e) => 'refused: ' + e.message);
      const idb = await new Promise((resolve) => {
        const open = indexedDB.open('ferry');
        open.onupgradeneeded = () => open.result.createObjectStore('credentials');
        open.onsuccess = () => {
          const read = open.result.transaction('credentials').objectStore('credentials').get('rpc');
          read.onsuccess = () => resolve(JSON.stringify(read.result ?? null));
        };
        open.onerror = () => resolve('refused');
      });
      return JSON.stringify({ local: await area('local'), session: await area('session'), sync: await area('sync'), idb, runtimeId: chrome.runtime.id });
    })()`,
  );
  const areas = JSON.parse(seen) as Record<string, string>;
  // It is the extension's own content script world (chrome.runtime.id is Ferry's) ...
  expect(areas.runtimeId).toBe(new URL(worker.url()).host);
  // ... and nothing it can read holds the secret or the endpoint.
  expect(seen).not.toContain(peer.secret);
  expect(seen).not.toContain(new URL(peer.endpoint).host);
  expect(areas.idb).toBe('null');
});

test('the options page shows the pairing and reaches Ferry', async () => {
  const options = await context.newPage();
  await options.setViewportSize({ width: 900, height: 720 });
  await options.goto(`chrome-extension://${new URL(worker.url()).host}/options.html`);
  await expect(options.getByText('paired automatically')).toBeVisible();
  await expect(options.getByLabel(/^Endpoint/)).toHaveValue(peer.endpoint);
  await options.getByRole('button', { name: 'Test connection' }).click();
  // Ferry's own version, not the aria2 number it also answers for aria2 clients.
  const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await expect(options.getByRole('status')).toHaveText(`Ferry ${version} answers.`);
  await shot(options, 'extension-options');
  await options.close();
});

test('a click on a link ends as a completed transfer in Ferry, with the browser\'s cookies and referrer, and no browser download', async () => {
  await context.addCookies([
    { name: 'session', value: 'abc123', domain: '127.0.0.1', path: '/' },
    { name: 'strict', value: 's1', domain: '127.0.0.1', path: '/', sameSite: 'Strict', httpOnly: true },
  ]);
  await page.click('#get');
  const saved = await peer.waitForCompleted(server.url('/files/report.bin'));
  expect(sha(await readFile(saved))).toBe(sha(fileBody));
  const request = server.requestsFor('/files/report.bin').at(-1)!;
  // A link on the site itself: the browser sends every cookie, SameSite=Strict and HttpOnly included.
  expect(cookiesOf(request.headers.cookie)).toEqual(new Set(['session=abc123', 'strict=s1']));
  expect(request.headers.referer).toBe(server.url('/page'));
  expect(request.headers['user-agent']).toMatch(/Chrome\//);
  expect((await browserDownloads()).filter((d) => d.url.endsWith('/files/report.bin'))).toEqual([]);
});

test('a link on another site: Ferry gets the cookies the browser sent with the click, not the site\'s SameSite=Strict ones', async () => {
  await context.addCookies([{ name: 'lax', value: 'l1', domain: '127.0.0.1', path: '/', sameSite: 'Lax' }]);
  const other = await context.newPage();
  // localhost and 127.0.0.1 are two sites.
  await other.goto(server.url('/cross-page').replace('127.0.0.1', 'localhost'));
  await other.click('#cross');
  const saved = await peer.waitForCompleted(server.url('/files/cross.bin'));
  expect(sha(await readFile(saved))).toBe(sha(crossBody));
  const requests = server.requestsFor('/files/cross.bin');
  // The browser's own navigation (held, then cancelled once Ferry took it) and Ferry's requests after it.
  const browsers = requests.filter((r) => r.headers['sec-fetch-mode'] === 'navigate');
  const ferrys = requests.filter((r) => r.headers['sec-fetch-mode'] === undefined);
  expect(browsers).toHaveLength(1);
  expect(ferrys.length).toBeGreaterThan(0);
  expect(cookiesOf(browsers[0]!.headers.cookie)).toEqual(new Set(['session=abc123', 'lax=l1']));
  for (const request of ferrys) expect(cookiesOf(request.headers.cookie)).toEqual(cookiesOf(browsers[0]!.headers.cookie));
  expect((await browserDownloads()).filter((d) => d.url.endsWith('/files/cross.bin'))).toEqual([]);
  await other.close();
});

test('an earlier version\'s secret in chrome.storage.local moves to the credential store, and still works', async () => {
  // What a user of the earlier version has: the secret in local storage, nothing in the credential store.
  await worker.evaluate(
    ([endpoint, secret]) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('ferry');
        open.onsuccess = () => {
          const tx = open.result.transaction('credentials', 'readwrite');
          tx.objectStore('credentials').delete('rpc');
          tx.oncomplete = () => (open.result.close(), void chrome.storage.local.set({ endpoint, secret, pairedBy: 'manual' }).then(resolve, reject));
        };
        open.onerror = () => reject(open.error);
      }),
    [peer.endpoint, peer.secret],
  );
  expect(await localStorageOfExtension()).toMatchObject({ secret: peer.secret });
  expect(await storedCredentials()).toBeUndefined();
  await page.click('#moved');
  const saved = await peer.waitForCompleted(server.url('/files/moved.bin'));
  expect(sha(await readFile(saved))).toBe(sha(movedBody));
  expect(await storedCredentials()).toEqual({ endpoint: peer.endpoint, secret: peer.secret, pairedBy: 'manual' });
  const local = await localStorageOfExtension();
  for (const key of ['endpoint', 'secret', 'pairedBy']) expect(local).not.toHaveProperty(key);
});

test('the link of a file Ferry is already fetching, clicked again: the browser lets it go, Ferry holds the second (its size came from the browser)', async () => {
  const url = server.url('/files/again.bin');
  await page.click('#again');
  await expect.poll(async () => Number((await peer.statusesFor(url))[0]?.completedLength ?? 0), { timeout: 30_000 }).toBeGreaterThan(100_000);
  const [first] = await peer.statusesFor(url);
  await peer.call('aria2.pause', first!.gid);
  await expect.poll(async () => (await peer.statusesFor(url))[0]?.status).toBe('paused');
  const ferrysBefore = server.requestsFor('/files/again.bin').filter((r) => r.headers['sec-fetch-mode'] === undefined).length;

  await page.click('#again');
  await expect.poll(async () => (await peer.statusesFor(url)).length, { timeout: 15_000 }).toBe(2);
  // The browser let its own download go (Ferry accepted), and Ferry holds the handoff: an offer waits in its UI.
  expect((await browserDownloads()).filter((d) => d.url.endsWith('/files/again.bin'))).toEqual([]);
  const second = (await peer.statusesFor(url)).find((s) => s.gid !== first!.gid)!;
  expect(second).toMatchObject({ status: 'paused', completedLength: '0' });
  await new Promise((r) => setTimeout(r, 500));
  expect(server.requestsFor('/files/again.bin').filter((r) => r.headers['sec-fetch-mode'] === undefined)).toHaveLength(ferrysBefore);
  await peer.call('aria2.remove', second.gid);
  await peer.call('aria2.remove', first!.gid);
});

test('Alt+click lets the browser keep the download', async () => {
  await page.click('#keep', { modifiers: ['Alt'] });
  await expect.poll(async () => (await browserDownloads()).find((d) => d.url.endsWith('/files/keep.bin'))?.state, { timeout: 15_000 }).toBe('complete');
  const item = (await browserDownloads()).find((d) => d.url.endsWith('/files/keep.bin'))!;
  expect(sha(await readFile(item.filename))).toBe(sha(altBody));
  expect(await peer.transfersFor(server.url('/files/keep.bin'))).toBe(0);
});

test('with Ferry stopped, the browser downloads the file itself', async () => {
  await peer.stop();
  await expect(readFile(path.join(dataDir, 'rpc-endpoint.json'))).rejects.toThrow(/ENOENT/);
  const started = Date.now();
  await page.click('#later');
  await expect.poll(async () => (await browserDownloads()).find((d) => d.url.endsWith('/files/later.bin'))?.state, { timeout: 15_000 }).toBe('complete');
  const item = (await browserDownloads()).find((d) => d.url.endsWith('/files/later.bin'))!;
  expect(sha(await readFile(item.filename))).toBe(sha(laterBody));
  expect(Date.now() - started).toBeLessThan(10_000);
});
