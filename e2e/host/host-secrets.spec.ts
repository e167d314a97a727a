// Secrets in the browser UI against the real headless host: the host says plainly that it keeps
// them unencrypted, and an edit that moves a destination to another address asks for its
// secrets again instead of silently sending them there.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });

let info: HostFixtureInfo;
let page: Page;
hostPageForFile((host) => ({ info, page } = host));

test('saving a secret says it is stored unencrypted; a new address needs the secret typed again', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Upload destinations' }).click();
  await settings.getByRole('button', { name: 'Add destination' }).click();
  await settings.getByLabel('Name').fill('Team share');
  await settings.getByLabel('URL').fill(info.receiver.url);
  await settings.getByRole('button', { name: 'Add header' }).click();
  await settings.getByLabel('Header 1 name').fill('Authorization');
  await settings.getByLabel('Header 1 value').fill('Bearer s3cret');
  await settings.getByRole('checkbox', { name: 'Secret' }).check();
  await settings.getByRole('button', { name: 'Create destination' }).click();
  await expect(page.getByText(/stored without encryption/)).toBeVisible();

  await settings.getByRole('button', { name: 'Edit Team share' }).click();
  const moved = info.receiver.url.replace('127.0.0.1', 'localhost');
  await settings.getByLabel('URL').fill(moved);
  await expect(settings.getByText(/only sent to the address they were saved for/)).toBeVisible();
  await expect(settings.getByLabel('Header 1 value')).toHaveAttribute('placeholder', 'Type again for the new address');
  await settings.getByRole('button', { name: 'Save destination' }).click();
  await expect(settings.getByRole('alert')).toContainText('type the value of Authorization again');
  await shot(page, 'destination-moved-secret');

  // Back to the saved address: the secret may be kept again.
  await settings.getByLabel('URL').fill(info.receiver.url);
  await expect(settings.getByText(/only sent to the address they were saved for/)).toHaveCount(0);
  await settings.getByRole('button', { name: 'Save destination' }).click();
  await expect(settings.getByRole('list', { name: 'Upload destinations' })).toContainText('Team share');

  // The inbox limit for files dropped into this browser UI is a setting like the others.
  await settings.getByRole('tab', { name: 'Transfers' }).click();
  await expect(settings.getByLabel('Largest dropped file (MiB)')).toHaveValue('4096');
  await shot(page, 'settings-dropped-limit');
});
