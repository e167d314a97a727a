// Settings › aria2 RPC: the endpoint an aria2 client needs, the secret never in the page (the
// desktop app copies it from its main process; in a browser the pane names its file), and the
// folders and web origins clients are allowed, edited here and saved with the settings.
import { expect, test } from '@playwright/test';
import { shot } from '../support/shots';

const base = () => process.env.FERRY_DEMO_URL!;
const DEMO_SECRET = 'demo-secret-not-for-use';

test('desktop: the secret is masked, copied by the app (never in the page), and clients are allowed folders and origins', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base()).origin });
  await page.goto(`${base()}#demo&desktop`);
  await expect(page.getByRole('grid', { name: 'Transfers' }).getByRole('row').first()).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'aria2 RPC' }).click();
  await expect(settings.getByLabel('Accept downloads from aria2 clients')).toBeChecked();
  await expect(settings.getByRole('textbox', { name: 'Endpoint' })).toHaveValue('http://127.0.0.1:6800/jsonrpc');
  await expect(settings.getByRole('textbox', { name: 'Secret', exact: true })).toHaveValue('••••••••');
  await expect(settings.getByRole('button', { name: 'Show' })).toHaveCount(0);
  expect(await page.content()).not.toContain(DEMO_SECRET);
  await settings.getByRole('button', { name: 'Copy secret' }).click();
  await expect(settings.getByRole('button', { name: 'Copy secret' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(DEMO_SECRET);

  // Folders come from the native picker in the desktop app, never typed.
  await expect(settings.getByRole('textbox', { name: 'Folder to add' })).toHaveCount(0);
  await settings.getByRole('button', { name: 'Add folder…' }).click();
  await expect(settings.getByRole('list', { name: 'Folders clients may save into' })).toContainText('/home/you/Projects/releases');
  const origin = settings.getByRole('textbox', { name: 'Web origin to allow' });
  await origin.fill('not an origin');
  await settings.getByRole('button', { name: 'Allow' }).click();
  await expect(settings.getByText(/An origin is scheme:\/\/host/)).toBeVisible();
  await origin.fill('https://AriaNg.example/');
  await settings.getByRole('button', { name: 'Allow' }).click();
  await expect(settings.getByRole('list', { name: 'Web origins that may call' })).toContainText('https://ariang.example');
  await expect(settings.getByLabel(/Any web page/)).not.toBeChecked();
  await shot(page, 'settings-rpc');
  await settings.getByLabel(/Any web page/).scrollIntoViewIfNeeded();
  await shot(page, 'settings-rpc-origins');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('tab', { name: 'aria2 RPC' }).click();
  const again = page.getByRole('dialog', { name: 'Settings' });
  await expect(again.getByRole('list', { name: 'Folders clients may save into' })).toContainText('/home/you/Projects/releases');
  await again.getByRole('button', { name: 'Remove https://ariang.example' }).click();
  await expect(again.getByRole('list', { name: 'Web origins that may call' })).toHaveCount(0);
});

test('browser (headless host): the pane names the secret file instead, and folders are typed', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base()).origin });
  await page.goto(`${base()}#demo`);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'aria2 RPC' }).click();
  await expect(settings.getByRole('textbox', { name: 'Secret file' })).toHaveValue('/home/you/.local/share/ferry/rpc-secret');
  await expect(settings.getByRole('button', { name: 'Copy secret', exact: true })).toHaveCount(0);
  await settings.getByRole('button', { name: 'Copy secret file' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('/home/you/.local/share/ferry/rpc-secret');
  expect(await page.content()).not.toContain(DEMO_SECRET);
  await settings.getByRole('textbox', { name: 'Folder to add' }).fill('/srv/media');
  await settings.getByRole('button', { name: 'Add folder' }).click();
  await expect(settings.getByRole('list', { name: 'Folders clients may save into' })).toContainText('/srv/media');
  await shot(page, 'settings-rpc-browser');
});
