// Settings › aria2 RPC: the endpoint and secret an aria2 client needs, with working copy buttons.
import { expect, test } from '@playwright/test';
import { shot } from '../support/shots';

const base = () => process.env.FERRY_DEMO_URL!;

test('settings show the aria2 RPC endpoint and secret, hidden until asked, and copy them', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base()).origin });
  await page.goto(`${base()}#demo`);
  await expect(page.getByRole('grid', { name: 'Transfers' }).getByRole('row').first()).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'aria2 RPC' }).click();
  await expect(settings.getByLabel('Accept downloads from aria2 clients')).toBeChecked();
  await expect(settings.getByRole('textbox', { name: 'Endpoint' })).toHaveValue('http://127.0.0.1:6800/jsonrpc');
  const secret = settings.getByRole('textbox', { name: 'Secret' }).or(settings.getByLabel('Secret', { exact: true }));
  await expect(secret).toHaveAttribute('type', 'password');
  await settings.getByRole('button', { name: 'Copy secret' }).click();
  await expect(settings.getByRole('button', { name: 'Copy secret' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('demo-secret-not-for-use');
  await settings.getByRole('button', { name: 'Show' }).click();
  await expect(secret).toHaveAttribute('type', 'text');
  await shot(page, 'settings-rpc');
});
