/// <reference types="chrome" />
// The extension's toolbar popup and its video detection, in Debian's Chromium against a real
// `ferry rpc`: a page on a loopback server fetches an HLS master playlist (ffmpeg-made, served with
// its real Content-Type) and the variant playlist a player would fetch next; the toolbar badge
// counts one video, the popup lists it with the page's title, variants and duration, and
// "Download video with Ferry" leaves a playable file of the chosen variant in Ferry, fetched with
// the cookies, referrer and user agent of the page's own request. The popup shows the handoff's
// progress and the capture switch; a navigation clears the tab's videos. Screenshots of the popup
// go to e2e/screenshots/ (the best are copied to docs/screenshots/).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { decodeErrors, ffmpegMissing, probe, StreamFixtures } from '../../test-support/stream-fixtures';
import { SHOTS_DIR } from '../support/shots';
import { startExtensionSession, type ExtensionSession } from './extension-session';

const skip = ffmpegMissing();
test.describe.configure({ mode: 'serial' });
test.skip(Boolean(skip), skip ?? '');

const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };
/** Slow enough per segment request that a handoff is seen in progress (Ferry fetches several at once). */
const SEGMENT_RATE = 80_000;

let session: ExtensionSession;
let server: TestServer;
const fixtures = new StreamFixtures();
let page: Page;
let popup: Page;
let tabId: number;

/** Every file of a fixture folder as a route of the test server, with its type; segments throttled. */
async function serveFolder(dir: string, prefix: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const urlPath = `${prefix}/${path.relative(dir, file).split(path.sep).join('/')}`;
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    server.route(urlPath, { body: await readFile(file), headers: { 'content-type': type }, ...(type === 'video/mp2t' ? { rateBytesPerSec: SEGMENT_RATE } : {}) });
  }
}

const tabVideos = () => session.worker.evaluate((id) => chrome.storage.session.get(`videos:${id}`).then((v) => (v[`videos:${id}`] ?? []) as { url: string; summary?: unknown }[]), tabId);
const badge = () => session.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);

/** The popup as the user sees it, cut to its own size (it is a 380 px wide page). */
async function popupShot(name: string): Promise<void> {
  await popup.waitForTimeout(350);
  const height = await popup.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await popup.setViewportSize({ width: 404, height });
  await popup.screenshot({ path: `${SHOTS_DIR}/${name}.png` });
}

test.beforeAll(async () => {
  server = await startTestServer();
  await serveFolder(await fixtures.get('master'), '/hls');
  server.route('/watch', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    // What a player does first: the master playlist, then one variant's playlist. It need not play.
    res.end(`<!doctype html><title>Launch day</title><p>A player page</p>
      <script>fetch('/hls/master.m3u8').then((r) => r.text()).then(() => fetch('/hls/v0/index.m3u8')).then(() => (document.title = 'Launch day'));</script>`);
  });
  server.route('/elsewhere', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>Elsewhere</title><p>No video here</p>');
  });
  session = await startExtensionSession('ferry-ext-video-');
  await session.context.addCookies([{ name: 'session', value: 'abc123', domain: '127.0.0.1', path: '/', sameSite: 'Lax' }]);
  page = await session.newPage();
});

test.afterAll(async () => {
  await session?.close();
  await server?.close();
  await fixtures.remove();
});

test('the popup says Ferry is paired, and capture can be paused and resumed from it', async () => {
  await page.goto(server.url('/elsewhere'));
  tabId = await session.worker.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)!.id!, server.url('/elsewhere'));
  popup = await session.context.newPage();
  await popup.setViewportSize({ width: 404, height: 600 });
  await popup.goto(`${session.origin}/popup.html?tab=${tabId}`);
  const { version } = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
  await expect(popup.locator('#connection')).toHaveText(`Paired · Ferry ${version}`);
  await expect(popup.getByText('None seen yet.')).toBeVisible();
  const capture = popup.getByRole('switch', { name: /Capture browser downloads/ });
  await expect(capture).toBeChecked();
  await capture.uncheck();
  await expect(popup.getByText('Paused: the browser keeps its downloads')).toBeVisible();
  await expect.poll(() => session.worker.evaluate(() => chrome.storage.local.get('capture').then((v) => v.capture))).toBe(false);
  await popupShot('extension-popup-paused');
  await capture.check();
  await expect.poll(() => session.worker.evaluate(() => chrome.storage.local.get('capture').then((v) => v.capture))).toBe(true);
});

test('a page that fetches an HLS manifest: the badge counts one video, the popup lists it with title, variants and duration', async () => {
  await page.goto(server.url('/watch'));
  // Both playlists seen, the master read (its variants and duration): the variant playlist is part of it.
  await expect.poll(async () => (await tabVideos()).map((v) => [v.url, Boolean(v.summary)]), { timeout: 15_000 }).toEqual([
    [server.url('/hls/master.m3u8'), true],
    [server.url('/hls/v0/index.m3u8'), true],
  ]);
  await expect.poll(badge).toBe('1');
  await popup.setViewportSize({ width: 404, height: 600 });
  await popup.reload();
  const video = popup.locator('li.video');
  await expect(video).toHaveCount(1);
  await expect(video.locator('.title')).toHaveText('Launch day');
  await expect(video.locator('.url')).toHaveText(`127.0.0.1:${server.port}/hls/master.m3u8`);
  await expect(video.locator('.facts').first()).toHaveText('HLS · 0:30 · 2 variants');
  const variants = video.getByRole('combobox', { name: 'Variant of Launch day' });
  await expect(variants.locator('option')).toHaveText(['Best (640×360)', '640×360 · 950 kbit/s', '320×180 · 400 kbit/s']);
  await expect(popup.getByRole('heading', { name: 'Videos on this page (1)' })).toBeVisible();
  await popupShot('extension-popup-video');
});

test('the content script, which a hostile page may take over, cannot make the worker hand a video (or anything) to Ferry', async () => {
  const answers = await session.inContentScript(
    page,
    `Promise.all([
      chrome.runtime.sendMessage({ type: 'ferry-video-download', tabId: ${tabId}, url: ${JSON.stringify(server.url('/hls/master.m3u8'))} }),
      chrome.runtime.sendMessage({ type: 'ferry-pair' }),
    ]).then((a) => JSON.stringify(a), (e) => 'refused: ' + e.message)`,
  );
  // No answer: the worker acts only for the extension's own pages.
  expect(answers).toMatch(/^(\[null,null\]|refused: .*)$/);
  await page.waitForTimeout(500);
  expect(await session.peer.transfersFor(server.url('/hls/master.m3u8'))).toBe(0);
});

test('"Download video with Ferry" leaves a playable file of the chosen variant in Ferry, fetched as the page fetched it', async () => {
  const video = popup.locator('li.video');
  await video.getByRole('combobox').selectOption('320x180');
  await video.getByRole('button', { name: 'Download video with Ferry' }).click();
  await expect(video.getByRole('status')).toHaveText('Ferry took it: see its progress below.');
  // The handoff in progress, as the popup shows it while Ferry works (segments are served slowly).
  const handoff = popup.locator('li.handoff').first();
  await expect(handoff.locator('.name')).toHaveText(/Launch day/);
  await expect(handoff.getByRole('progressbar')).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => Number(await handoff.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
  await popupShot('extension-popup-progress');

  const saved = await session.peer.waitForCompleted(server.url('/hls/master.m3u8'), 120_000);
  expect(path.basename(saved)).toBe('Launch day.mp4');
  const facts = await probe(saved);
  expect(Math.abs(facts.durationSeconds - 30)).toBeLessThan(0.5);
  expect(facts.streams.find((s) => s.type === 'video')).toMatchObject({ width: 320, height: 180 });
  expect(facts.streams.some((s) => s.type === 'audio')).toBe(true);
  expect(await decodeErrors(saved)).toBe('');

  // Ferry's requests (no Sec-Fetch-Mode: not the browser's) carried the page's cookie, referrer and user agent.
  const ferrys = server.requestsFor('/hls/master.m3u8').filter((r) => r.headers['sec-fetch-mode'] === undefined);
  expect(ferrys.length).toBeGreaterThan(0);
  for (const request of ferrys) {
    expect(request.headers.cookie).toBe('session=abc123');
    expect(request.headers.referer).toBe(server.url('/watch'));
    expect(request.headers['user-agent']).toMatch(/Chrome\//);
  }
  await expect(handoff.locator('.text')).toHaveText(/^Done · /, { timeout: 10_000 });
  await expect(handoff.locator('.name')).toHaveText('Launch day.mp4');
});

test('a navigation clears the tab\'s videos and its badge', async () => {
  await page.goto(server.url('/elsewhere'));
  await expect.poll(badge).toBe('');
  expect(await tabVideos()).toEqual([]);
  await popup.reload();
  await expect(popup.getByText('None seen yet.')).toBeVisible();
  await expect(popup.locator('li.handoff .name').first()).toHaveText('Launch day.mp4');
  await popup.setViewportSize({ width: 404, height: 600 });
  await popupShot('extension-popup');
});

test('without Ferry the popup says what to do, in words', async () => {
  await session.peer.stop();
  await popup.reload();
  await expect(popup.locator('#connection')).toHaveText('Not reachable');
  await expect(popup.locator('#notice .todo')).toContainText('"ferry rpc"');
  await popupShot('extension-popup-unreachable');
});
