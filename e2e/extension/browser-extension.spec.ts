/// <reference types="chrome" />
// Ferry's browser extension in Debian's Chromium (headless, loaded unpacked), against a real Ferry
// (`ferry rpc` under the test's HOME): it pairs through the native-messaging host that Ferry
// installed for that HOME's Chromium, hands a clicked download over (no browser download left),
// lets Alt+click downloads stay in the browser, and with Ferry stopped the browser downloads the
// file itself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page, type Worker } from '@playwright/test';
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
  server.route('/page', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><a id="get" href="/files/report.bin">report</a> <a id="keep" href="/files/keep.bin">keep</a> <a id="later" href="/files/later.bin">later</a>');
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

test('pairs with Ferry through the native-messaging host, without copy-paste', async () => {
  await expect
    .poll(() => worker.evaluate(() => chrome.storage.local.get(['endpoint', 'secret', 'pairedBy'])), { timeout: 15_000 })
    .toEqual({ endpoint: peer.endpoint, secret: peer.secret, pairedBy: 'native' });
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
  await context.addCookies([{ name: 'session', value: 'abc123', domain: '127.0.0.1', path: '/' }]);
  await page.click('#get');
  const saved = await peer.waitForCompleted(server.url('/files/report.bin'));
  expect(sha(await readFile(saved))).toBe(sha(fileBody));
  const request = server.requestsFor('/files/report.bin').at(-1)!;
  expect(request.headers.cookie).toBe('session=abc123');
  expect(request.headers.referer).toBe(server.url('/page'));
  expect(request.headers['user-agent']).toMatch(/Chrome\//);
  expect((await browserDownloads()).filter((d) => d.url.endsWith('/files/report.bin'))).toEqual([]);
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
