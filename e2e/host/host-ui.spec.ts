// The renderer in Chromium against the headless host with the real engine and loopback
// servers: downloads through the dialog with pause/resume, cancel, a 404, an upload by drop.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Snapshot } from '../../shared/contract';
import type { Page, WebSocketRoute } from '@playwright/test';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';
import { connectUi } from '../../test-support/headless-client';

test.describe.configure({ mode: 'serial' });

let info: HostFixtureInfo;
let page: Page;
const consoleErrors: string[] = [];
/** The page's live socket, proxied so a test can cut it like a host restart would. */
let socketRoute: WebSocketRoute | null = null;
let socketConnects = 0;
/** While set, a reconnecting page waits for it before reaching the host. */
let holdReconnect: Promise<void> | null = null;

hostPageForFile((host) => ({ info, page } = host), {
  async prepare() {
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.routeWebSocket(/\/ws\?token=/, async (ws) => {
      socketConnects++;
      socketRoute = ws;
      if (holdReconnect) await holdReconnect;
      ws.connectToServer();
    });
  },
});

const grid = () => page.getByRole('grid', { name: 'Transfers' });
const row = (name: string) => grid().getByRole('row', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) });
const fileSha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

async function addThroughDialog(urls: string[], sha256?: string): Promise<void> {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(urls.join('\n'));
  if (sha256) await dialog.getByLabel('SHA-256 (optional)').fill(sha256);
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeHidden();
}

test('an empty host shows the first-run state', async () => {
  await expect(page.getByRole('heading', { name: 'No transfers yet' })).toBeVisible();
});

test('add a download through the dialog, watch it, pause, resume, and get the right bytes', async () => {
  await addThroughDialog([info.big.url]);
  const r = row('big.bin');
  await expect(r).toBeVisible();
  const bar = r.getByRole('progressbar');
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(5);

  await r.hover();
  await r.getByRole('button', { name: 'Pause' }).click();
  await expect(r).toHaveAttribute('data-state', 'paused');
  const pausedAt = Number(await bar.getAttribute('aria-valuenow'));
  expect(pausedAt).toBeLessThan(100);
  await page.waitForTimeout(1200);
  expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(pausedAt);
  await shot(page, 'host-paused');

  await r.hover();
  await r.getByRole('button', { name: 'Resume' }).click();
  await expect(r).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  const file = path.join(info.downloads, 'big.bin');
  expect((await stat(file)).size).toBe(info.big.size);
  expect(await fileSha(file)).toBe(info.big.sha256);
  // Only the finished file is left: no part files.
  expect(await readdir(info.downloads)).toEqual(['big.bin']);
});

test('cancel stops a download and removes its partial file', async () => {
  await addThroughDialog([info.slow.url]);
  const r = row(info.slow.name);
  await expect(r).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await expect.poll(async () => Number(await r.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(1);
  const during = await readdir(info.downloads);
  expect(during.some((f) => f.includes('slow'))).toBe(true);

  await r.hover();
  await r.getByRole('button', { name: 'Cancel' }).click();
  await expect(r).toHaveAttribute('data-state', 'canceled');
  await expect.poll(async () => (await readdir(info.downloads)).filter((f) => f.includes('slow')), { timeout: 10_000 }).toEqual([]);
});

test('a 404 shows its error in words with the status', async () => {
  await addThroughDialog([info.missing]);
  const r = row('missing.bin');
  await expect(r).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await expect(r).toContainText('404');
  // The details panel says the same, plus the log.
  await r.click();
  await page.keyboard.press('Enter');
  const details = page.getByRole('complementary', { name: 'Details' });
  await expect(details.getByRole('alert')).toContainText('HTTP 404');
  // The files live on the host's machine: a browser offers no Open / Show in folder.
  await expect(details.getByRole('button', { name: 'Copy URL' })).toBeVisible();
  await expect(details.getByRole('button', { name: 'Show in folder' })).toHaveCount(0);
  await shot(page, 'host-failed-details');
  await details.getByRole('button', { name: 'Close details' }).click();
});

test('a segmented download shows its ranges filling in and its connection count', async () => {
  await addThroughDialog([info.segmented.url]);
  const r = row(info.segmented.name);
  await expect(r).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await r.click();
  await page.keyboard.press('Enter');
  const details = page.getByRole('complementary', { name: 'Details' });
  const segments = details.getByRole('region', { name: 'Segments' });
  // The default count (16), opened once the first connection proved slow (the ramp).
  await expect(segments).toContainText(/16 connections · \d+ ranges, \d+ unfinished/, { timeout: 20_000 });
  // Every range has bytes by now: the bar is filling in several places at once.
  await expect.poll(async () => Number(/(\d+) ranges/.exec((await segments.textContent()) ?? '')?.[1]), { timeout: 10_000 }).toBeGreaterThanOrEqual(8);
  // A third of the way in, so the picture shows each range part-filled.
  await expect.poll(async () => Number(await r.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(30);
  await page.waitForTimeout(1100); // the ranges update with the checkpoints
  await shot(page, 'host-segments');
  await r.hover();
  await r.getByRole('button', { name: 'Cancel' }).click();
  await expect(r).toHaveAttribute('data-state', 'canceled');
  await expect(segments).toHaveCount(0);
  await details.getByRole('button', { name: 'Close details' }).click();
});

test('a SHA-256 given in the dialog is checked: a wrong one fails in words, the right one completes', async () => {
  await addThroughDialog([`${info.checked.url}?wrong`], '0'.repeat(64));
  const bad = grid().getByRole('row', { name: /^checked\.bin,/ });
  await expect(bad).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await expect(bad).toContainText(/SHA-256|checksum/i);
  await bad.hover();
  await bad.getByRole('button', { name: 'Remove' }).click();
  await expect(bad).toHaveCount(0);

  await addThroughDialog([info.checked.url], info.checked.sha256);
  const good = grid().getByRole('row', { name: /^checked\.bin,/ });
  await expect(good).toHaveAttribute('data-state', 'completed', { timeout: 20_000 });
  expect(await fileSha(path.join(info.downloads, 'checked.bin'))).toBe(info.checked.sha256);
  await good.hover();
  await good.getByRole('button', { name: 'Remove' }).click();
  await expect(good).toHaveCount(0);
});

test('a download of unknown size shows an indeterminate bar and still finishes', async () => {
  await addThroughDialog([info.unknownSize.url]);
  const r = row('stream.bin');
  await expect(r).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await expect(r.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', /.*/);
  await expect(r).toContainText('unknown size');
  await expect(r).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  expect((await stat(path.join(info.downloads, 'stream.bin'))).size).toBe(info.unknownSize.size);
});

test('create a destination in settings, drop a file on the window, and it uploads', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Upload destinations' }).click();
  await settings.getByRole('button', { name: 'Add destination' }).click();
  await settings.getByLabel('Name').fill('Loopback receiver');
  await settings.getByLabel('URL').fill(info.receiver.url);
  await settings.getByLabel('Protocol').selectOption('raw');
  await settings.getByLabel('Method').selectOption('PUT');
  await settings.getByRole('button', { name: 'Add header' }).click();
  await settings.getByLabel('Header 1 name').fill('Authorization');
  await settings.getByLabel('Header 1 value').fill('Bearer s3cret');
  await settings.getByRole('checkbox', { name: 'Secret' }).check();
  await settings.getByRole('button', { name: 'Create destination' }).click();
  const list = settings.getByRole('list', { name: 'Upload destinations' });
  await expect(list).toContainText('Loopback receiver');
  // The secret never comes back to the UI.
  await settings.getByRole('button', { name: 'Edit Loopback receiver' }).click();
  await expect(settings.getByLabel('Header 1 value')).toHaveValue('');
  await expect(settings.getByLabel('Header 1 value')).toHaveAttribute('placeholder', /Saved/);
  await expect(settings).not.toContainText('s3cret');
  await settings.getByRole('button', { name: 'Back' }).click();
  await settings.getByRole('button', { name: 'Done' }).click();

  // A 300 kB file made in the page, dropped like a file from the desktop.
  const expected = createHash('sha256');
  const content = Buffer.alloc(300_000);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31 + 7) & 0xff;
  expected.update(content);
  const dt = await page.evaluateHandle((bytes) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], 'dropped report.bin', { type: 'application/octet-stream' }));
    return d;
  }, [...content]);
  await page.dispatchEvent('.main', 'dragenter', { dataTransfer: dt });
  await expect(page.getByText('Drop files to upload')).toBeVisible();
  await page.dispatchEvent('.main', 'drop', { dataTransfer: dt });
  const sheet = page.getByRole('dialog', { name: 'Upload files' });
  await expect(sheet.getByRole('list', { name: 'Chosen files' })).toContainText('dropped report.bin');
  await sheet.getByLabel('Destination').selectOption({ label: 'Loopback receiver — PUT raw' });
  await sheet.getByRole('button', { name: /^Upload/ }).click();
  await expect(sheet).toBeHidden();

  const r = row('dropped report.bin');
  await expect(r).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  const stored = (await readdir(info.receiver.dir)).filter((f) => f.endsWith('dropped%20report.bin') || f.endsWith('dropped report.bin'));
  expect(stored).toHaveLength(1);
  expect(await fileSha(path.join(info.receiver.dir, stored[0]!))).toBe(expected.digest('hex'));
  await shot(page, 'host-list');
});

test('after the connection drops, the UI reconnects and shows the true state at once', async () => {
  expect(socketConnects).toBe(1);
  let release!: () => void;
  holdReconnect = new Promise((r) => (release = r));
  await socketRoute!.close({ code: 1012, reason: 'host restarting' });
  await expect(page.getByRole('status').filter({ hasText: /Disconnected|Connecting/ })).toBeVisible();

  // While the page is away, another client removes a transfer and the host keeps going.
  const ui = new URL(info.ui);
  const other = await connectUi(Number(ui.port), ui.hash.replace('#token=', ''));
  await other.waitFor(() => other.events.length > 0);
  const snap = other.events[0]!.payload as Snapshot;
  const stream = snap.transfers.find((t) => t.name === 'stream.bin')!;
  await other.call('remove', { ids: [stream.id], deleteFiles: false });
  other.close();
  await expect(row('stream.bin')).toBeVisible(); // the page cannot know yet

  holdReconnect = null;
  release();
  await expect(page.getByText('Connected', { exact: true })).toBeVisible({ timeout: 15_000 });
  expect(socketConnects).toBe(2);
  await expect(row('stream.bin')).toHaveCount(0);
  await expect(row('big.bin')).toHaveAttribute('data-state', 'completed');
  // One more than before segmented downloads: the canceled segmented.bin stays listed.
  await expect(page.getByRole('navigation', { name: 'Filters' }).getByRole('button', { name: /^All/ })).toContainText('5');
});

test('a server asking to come back later: the row says "Retrying in 40 s" and why, and counts down', async () => {
  await addThroughDialog([info.busy]);
  const busy = row('busy.bin');
  await expect(busy).toHaveAttribute('data-state', 'queued');
  const status = busy.locator('.row__status');
  await expect(status).toHaveText(/^Retrying in (40|39|38) s · Server says 503 Service Unavailable/);
  const first = Number(/in (\d+) s/.exec((await status.textContent())!)![1]);
  await expect(status).not.toHaveText(new RegExp(`in ${first} s`), { timeout: 3000 });
  await grid().getByRole('row', { name: /^busy\.bin,/ }).click();
  await shot(page, 'retry-wait');
});

test('the page ran under the host Content-Security-Policy without errors', async () => {
  // Errors the app itself shows as toasts (open/show in folder refused by the headless host)
  // are not console errors; CSP violations and exceptions would be.
  expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION|status of 4\d\d/.test(e))).toEqual([]);
});
