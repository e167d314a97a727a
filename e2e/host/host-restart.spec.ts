// Issue 18, item 1: the browser UI keeps its host across restarts. `ferry serve` runs as the user
// runs it (a process, a fresh data folder, HOME an empty folder); the same tab sees the host go,
// shows its rows as unknown rather than "Active · speed", says that actions wait, and reconnects by
// itself to the restarted host (same port, same token) and works without a reload. A wrong token
// gets a page that says so and where the current URL is, not an endless spinner.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });

const FERRY = path.resolve(import.meta.dirname, '../../bin/ferry.js');
let tmp: string;
let server: TestServer;
let host: { child: ChildProcess; url: string } | undefined;
let page: Page;

async function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const home = path.join(tmp, 'home');
  const child = spawn(process.execPath, [FERRY, 'serve', '--data-dir', path.join(tmp, 'data')], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ferry serve printed no URL in 60 s\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /Ferry UI: (\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`ferry serve exited with ${code}\n${err}`)));
  });
  return { child, url };
}

async function stopServe(): Promise<void> {
  const child = host?.child;
  host = undefined;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

test.beforeAll(async ({ browser }) => {
  tmp = await mkdtemp(path.join(tmpdir(), 'ferry-e2e-restart-'));
  await mkdir(path.join(tmp, 'home'));
  await mkdir(path.join(tmp, 'downloads'));
  server = await startTestServer();
  host = await startServe();
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await stopServe();
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const row = (name: string) => page.getByRole('grid', { name: 'Transfers' }).getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')},`) });
const status = () => page.getByRole('contentinfo', { name: 'Status' }).getByRole('status');

test('the same tab rides out a restart of the host: stale rows, waiting actions, then it reconnects and works', async () => {
  const firstUrl = host!.url;
  await page.goto(firstUrl);
  await expect(status()).toHaveText('Connected');

  // A download slow enough to be running when the host goes away.
  server.route('/slow.bin', { body: randomBytes(8_000_000, 3), rateBytesPerSec: 200_000 });
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(server.url('/slow.bin'));
  await dialog.getByLabel('Save to folder').fill(path.join(tmp, 'downloads'));
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(row('slow.bin')).toHaveAttribute('aria-label', 'slow.bin, Active');
  await expect(row('slow.bin').locator('.row__speed')).toHaveText(/\/s/);
  // Bytes flowing (not just "0 B/s" before the server answered): its size is known, so the stale line has a percentage.
  await expect(row('slow.bin').locator('.row__status')).toHaveText(/^[1-9][\d.]* (KiB|MiB) of /);

  await stopServe();
  await expect(status()).toHaveText('Disconnected — reconnecting');
  // Not "Active · 200 KB/s" any more: what it does now is unknown.
  await expect(row('slow.bin')).toHaveAttribute('aria-label', 'slow.bin, Unknown');
  await expect(row('slow.bin').locator('.row__status')).toHaveText(/^Not connected to Ferry · last seen active at \d+%$/);
  await expect(row('slow.bin').locator('.row__speed')).toHaveText('');
  // An action taken now says it waits for the connection.
  await row('slow.bin').hover();
  await row('slow.bin').getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText('Pause: not connected to Ferry; it goes out once the connection is back.')).toBeVisible();
  await shot(page, 'host-disconnected');

  // The host comes back on the same address; the tab finds it by itself (no reload).
  host = await startServe();
  expect(host.url).toBe(firstUrl);
  await expect(status()).toHaveText('Connected', { timeout: 30_000 });
  // The Pause made while away went out once connected.
  await expect(row('slow.bin')).toHaveAttribute('aria-label', 'slow.bin, Paused');
  // And the tab works as before: resume it.
  await row('slow.bin').hover();
  await row('slow.bin').getByRole('button', { name: 'Resume' }).click();
  await expect(row('slow.bin')).toHaveAttribute('aria-label', /^slow\.bin, (Active|Queued|Completed)$/);
  expect(page.url()).not.toContain('token='); // the same page, never reloaded with the URL
});

test('a wrong token gets a page that says so and where the current URL is', async ({ browser }) => {
  const other = await browser.newPage();
  try {
    const { origin } = new URL(host!.url);
    await other.goto(`${origin}/#token=${'0'.repeat(64)}`);
    await expect(other.getByRole('heading', { name: 'Ferry refused this page’s token' })).toBeVisible();
    await expect(other.getByRole('alert')).toContainText('ferry serve');
    await expect(other.getByRole('alert')).toContainText(path.join(tmp, 'data', 'ui-url'));
    await expect(other.getByText('Connecting to Ferry…')).toHaveCount(0);
    await shot(other, 'host-token-refused');

    // Without a token the page names the command that started the host.
    await other.evaluate(() => sessionStorage.clear());
    await other.goto(`${origin}/`);
    await other.reload();
    await expect(other.getByRole('heading', { name: 'This page needs Ferry’s address with its token' })).toBeVisible();
    await expect(other.locator('.nohost')).toContainText('ferry serve');
    await shot(other, 'host-no-token');
  } finally {
    await other.close();
  }
});
