// The browser hands over a file Ferry is already fetching, unfinished (its link expired): the
// headless UI shows a banner with both choices, which survives a reload; "Continue that download
// with the new link" moves the earlier download onto the new link and it finishes, one row only.
// The handoffs go over the host's real aria2 RPC exactly as the extension makes them (gid, out,
// ferry-size, Cookie); the links come from a server of signed links on loopback.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startExpiringLinks, type ExpiringLinks } from '../../test-support/expiring-links';
import { randomBytes } from '../../test-support/files';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });

const FILE = randomBytes(6_000_000, 17);
let info: HostFixtureInfo;
let links: ExpiringLinks;
let page: Page;

async function rpc<T>(method: string, ...params: unknown[]): Promise<T> {
  const res = await fetch(info.rpc!.endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${info.rpc!.secret}`, ...params] }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

hostPageForFile((host) => ({ info, page } = host), { rpc: true });

test.beforeAll(async () => {
  // 400 kB/s per response: the earlier download is caught mid-way on a loaded machine.
  links = await startExpiringLinks(FILE, { rateBytesPerSec: 400_000 });
});

test.afterAll(async () => {
  await links?.close();
});

const grid = () => page.getByRole('grid', { name: 'Transfers' });

test('a handoff of a file paused mid-way: the banner offers to continue it; one click continues it with the new link', async () => {
  const handoff = { 'user-agent': 'Mozilla/5.0 Test', out: 'season-01.mkv', 'ferry-size': String(FILE.length) };
  const first = links.issue();
  const earlierGid = await rpc<string>('aria2.addUri', [first], { ...handoff, gid: '00000000000e0017', header: ['Cookie: sid=old'], split: '2' });
  const row = grid().getByRole('row', { name: /^season-01\.mkv,/ });
  await expect(row).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await expect.poll(async () => Number((await rpc<{ completedLength: string }>('aria2.tellStatus', earlierGid, ['completedLength'])).completedLength), { timeout: 30_000 }).toBeGreaterThan(2_000_000);
  await rpc('aria2.pause', earlierGid);
  await expect(row).toHaveAttribute('data-state', 'paused');
  links.expire(first);

  // The browser hands the file over again, from a fresh link: accepted at once, held, and asked about.
  const handoffGid = await rpc<string>('aria2.addUri', [links.issue()], { ...handoff, gid: '00000000000f0017', header: ['Cookie: sid=new'] });
  expect(handoffGid).toBe('00000000000f0017');
  const banner = page.getByRole('group', { name: 'Offer for season-01.mkv' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(/season-01\.mkv \(5\.72 MiB\) from your browser matches an unfinished download \(paused at \d+ %\)\./);
  await expect(grid().getByRole('row', { name: /^season-01\.mkv,/ })).toHaveCount(2);
  // The held handoff's row says what it waits for (it has fetched nothing: no "0 B of unknown size").
  await expect(grid().getByText('5.72 MiB from your browser · waiting for your choice above')).toBeVisible();
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, 'continue-offer-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'continue-offer-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The offer is the host's: a reload shows it again.
  await page.reload();
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Continue that download with the new link' }).click();
  await expect(banner).toHaveCount(0);
  await expect(grid().getByRole('row', { name: /^season-01\.mkv,/ })).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  // The handoff's GID (the extension's popup row) tells the continued download's progress.
  expect(await rpc<{ gid: string; status: string }>('aria2.tellStatus', handoffGid, ['gid', 'status'])).toEqual({ gid: earlierGid, status: 'complete' });
  expect(links.bodyBytesSent()).toBeLessThanOrEqual(1.1 * FILE.length);
  expect(links.requests.filter((r) => r.cookie === 'sid=old').every((r) => r.token === new URL(first).searchParams.get('token'))).toBe(true);
});
