/// <reference types="chrome" />
// Ferry's browser extension in Debian's Chromium (headless, loaded unpacked), against a real Ferry
// (`ferry rpc` under the test's HOME): it pairs through the native-messaging host that Ferry
// installed for that HOME's Chromium, keeps the secret out of the content script's reach, hands a
// clicked download over (no browser download left) with only the cookies the browser itself sent,
// moves an earlier version's secret out of chrome.storage.local, lets Alt+click downloads stay in
// the browser, and with Ferry stopped the browser downloads the file itself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, expect, test, type BrowserContext, type CDPSession, type Page, type Worker } from '@playwright/test';
import { makeTempDir, randomBytes, removeDir } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';
import { shot } from '../support/shots';
import { startFerryRpc, type RpcPeer } from './rpc-peer';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXTENSION_DIR = path.join(ROOT, 'extension', 'dist');

test.describe.configure({ mode: 'serial' });

let home: string;
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
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test.beforeAll(async () => {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-extension.mjs')], { cwd: ROOT, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  home = await makeTempDir('ferry-ext-home-');
  dataDir = path.join(home, '.local', 'share', 'ferry');
  await mkdir(dataDir, { recursive: true });
  server = await startTestServer();
  const attachment = (name: string) => ({ 'content-disposition': `attachment; filename="${name}"` });
  server.route('/files/report.bin', { body: fileBody, headers: attachment('report.bin') });
  server.route('/files/keep.bin', { body: altBody, headers: attachment('keep.bin') });
  server.route('/files/later.bin', { body: laterBody, headers: attachment('later.bin') });
  server.route('/files/cross.bin', { body: crossBody, headers: attachment('cross.bin') });
  server.route('/files/moved.bin', { body: movedBody, headers: attachment('moved.bin') });
  server.route('/page', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><a id="get" href="/files/report.bin">report</a> <a id="keep" href="/files/keep.bin">keep</a> <a id="later" href="/files/later.bin">later</a> <a id="moved" href="/files/moved.bin">moved</a>');
  });
  // Served as http://localhost:PORT: another site than 127.0.0.1, whose cookies the link's download needs.
  server.route('/cross-page', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><a id="cross" href="${server.url('/files/cross.bin')}">cross-site file</a>`);
  });
  // Chromium's default user data dir under HOME: where Ferry installs its native-messaging manifest.
  const profile = path.join(home, '.config', 'chromium');
  await mkdir(profile, { recursive: true });
  peer = await startFerryRpc({ home, dataDir, downloadDir: path.join(home, 'ferry-downloads') });
  expect(JSON.parse(await readFile(path.join(profile, 'NativeMessagingHosts', 'dev.ferry.host.json'), 'utf8'))).toMatchObject({
    allowed_origins: ['chrome-extension://lojocmffkaoblkneplpkmbkkmlbboifh/'],
  });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    env: { ...process.env, HOME: home },
    args: [...CHROMIUM_ARGS, '--headless=new', `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`],
  });
  worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  page = await context.newPage();
  // Playwright takes over downloads by default; give them back to Chromium, as for a user.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default', eventsEnabled: true });
  await page.goto(server.url('/page'));
});

test.afterAll(async () => {
  await context?.close();
  await peer?.stop();
  await server?.close();
  if (home) await removeDir(home);
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

/** Runs an expression in the world of Ferry's content script in `target` (found over CDP), as a page that took over its renderer could. */
async function inContentScript(target: Page, expression: string): Promise<string> {
  const cdp: CDPSession = await context.newCDPSession(target);
  const worlds: { id: number; origin: string; auxData?: { type?: string } }[] = [];
  cdp.on('Runtime.executionContextCreated', (event) => worlds.push(event.context));
  await cdp.send('Runtime.enable');
  const extensionOrigin = `chrome-extension://${new URL(worker.url()).host}`;
  await expect.poll(() => worlds.some((w) => w.origin === extensionOrigin && w.auxData?.type === 'isolated')).toBe(true);
  const world = worlds.find((w) => w.origin === extensionOrigin && w.auxData?.type === 'isolated')!;
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { contextId: world.id, expression, awaitPromise: true, returnByValue: true });
  await cdp.detach();
  if (exceptionDetails) throw new Error(`in the content script: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return String(result.value);
}

test('pairs with Ferry through the native-messaging host, without copy-paste; the secret is kept out of chrome.storage.local', async () => {
  await expect.poll(storedCredentials, { timeout: 15_000 }).toEqual({ endpoint: peer.endpoint, secret: peer.secret, pairedBy: 'native' });
  const local = await localStorageOfExtension();
  expect(local).not.toHaveProperty('secret');
  expect(local).not.toHaveProperty('endpoint');
});

test('the content script, which runs in every page, cannot reach the RPC secret or endpoint', async () => {
  // Every storage area a content script has, and the IndexedDB it sees (the page's origin, not the extension's).
  const seen = await inContentScript(
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
  await expect(options.getByRole('status')).toHaveText(/^Ferry answers \(version /);
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
