// Mirrors and new addresses in the browser UI against the real headless host: "Add mirror…" in
// the details panel lists the mirror beside the URL; "Update address…" on a paused download gives
// it a fresh link and it goes on from there, keeping its bytes (the new link serves the same file).
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });

let info: HostFixtureInfo;
let page: Page;
hostPageForFile((host) => ({ info, page } = host));

const grid = () => page.getByRole('grid', { name: 'Transfers' });

test('Add mirror… lists it; Update address… on a paused download continues from the new link', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const add = page.getByRole('dialog', { name: 'Add downloads' });
  await add.getByLabel('Links').fill(info.big.url);
  await add.getByRole('button', { name: /^Download/ }).click();
  const row = grid().getByRole('row', { name: /^big\.bin,/ });
  await expect(row).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await row.click();
  await page.keyboard.press('Enter');
  const details = page.getByRole('complementary', { name: 'Details' });

  await details.getByRole('button', { name: 'Add mirror…' }).click();
  const mirror = page.getByRole('dialog', { name: 'Add mirror' });
  await mirror.getByLabel('Another URL of the same file').fill(`${info.big.url}?mirror=1`);
  await mirror.getByRole('button', { name: 'Add mirror' }).click();
  await expect(mirror).toHaveCount(0);
  await expect(details.getByText(`${info.big.url}?mirror=1`, { exact: true })).toBeVisible();

  await details.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toHaveAttribute('data-state', 'paused');
  await shot(page, 'details-mirrors');
  await details.getByRole('button', { name: 'Update address…' }).click();
  const address = page.getByRole('dialog', { name: 'Update address' });
  await address.getByLabel('New address').fill(`${info.big.url}?fresh=1`);
  await shot(page, 'update-address');
  await address.getByRole('button', { name: 'Continue from it' }).click();
  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(details.getByText(/Address changed to .*fresh=1/)).toBeVisible();
  await expect(details.getByText(/fresh=1 serves the same file/)).toBeVisible();
  await expect(details.getByText(/Starting over/)).toHaveCount(0);
});
