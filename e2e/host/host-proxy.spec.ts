// Proxies in the browser UI against the real headless host, with Debian's tinyproxy and
// microsocks on 127.0.0.1: the setting (Settings › Network) with a password that comes back
// masked, a download's own proxy from the add dialog, and the details panel's override.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { proxiesMissing, startMicrosocks, startTinyproxy, type Microsocks, type Tinyproxy } from '../../test-support/proxies';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });
const missing = proxiesMissing();
test.skip(missing !== undefined, missing ?? '');

let info: HostFixtureInfo;
let page: Page;
let tinyproxy: Tinyproxy;
let socks: Microsocks;
hostPageForFile((host) => ({ info, page } = host));

test.beforeAll(async () => {
  [tinyproxy, socks] = await Promise.all([startTinyproxy({ user: 'alice', password: 'e2e-secret' }), startMicrosocks()]);
});

test.afterAll(async () => {
  await Promise.all([tinyproxy?.stop(), socks?.stop()]);
});

const grid = () => page.getByRole('grid', { name: 'Transfers' });

test('Settings › Network: a proxy with its password; it comes back masked and downloads go through it', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Network' }).click();
  await expect(settings.getByRole('radio', { name: 'Follow the system' })).toBeChecked();
  await settings.getByRole('radio', { name: 'Use this proxy' }).check();
  await settings.getByLabel('Proxy address').fill(tinyproxy.url);
  await settings.getByLabel('No proxy for').fill('localhost, .intranet.example');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toHaveCount(0);

  await page.getByRole('button', { name: 'Settings' }).click();
  await settings.getByRole('tab', { name: 'Network' }).click();
  await expect(settings.getByLabel('Proxy address')).toHaveValue(`http://alice:••••••••@127.0.0.1:${tinyproxy.port}`);
  await shot(page, 'settings-proxy');
  await settings.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(`${info.checked.url}?via=setting`);
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(grid().getByRole('row', { name: /^checked\.bin,/ })).toHaveAttribute('data-state', 'completed', { timeout: 20_000 });
  expect(await tinyproxy.log()).toContain('via=setting');
});

test("the add dialog gives a download its own proxy; the details panel shows and changes it", async () => {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(info.slow.url);
  await dialog.getByRole('radio', { name: 'Use this proxy' }).check();
  await dialog.getByLabel('Proxy address').fill(socks.url('socks5h'));
  await shot(page, 'add-downloads-proxy');
  await dialog.getByRole('button', { name: /^Download/ }).click();

  const row = grid().getByRole('row', { name: /^slow\.bin,/ });
  await expect.poll(() => socks.log(), { timeout: 20_000 }).toContain('connected to 127.0.0.1:');
  await row.click();
  await page.keyboard.press('Enter');
  const details = page.getByRole('complementary', { name: 'Details' });
  await expect(details.getByText(socks.url('socks5h'))).toBeVisible();
  await details.getByRole('button', { name: 'Change…' }).click();
  await details.getByRole('radio', { name: 'No proxy' }).check();
  await shot(page, 'details-proxy');
  await details.getByRole('button', { name: 'Save' }).click();
  await expect(details.getByText('No proxy')).toBeVisible();
  await row.getByRole('button', { name: 'Cancel' }).click();
});
