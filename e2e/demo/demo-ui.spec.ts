// The UI against the in-page demo API: every screen, keyboard use, and screenshots of each state.
import { expect, test } from '@playwright/test';
import { shot } from '../support/shots';

const base = () => process.env.FERRY_DEMO_URL!;

test('empty state tells a first-timer what to do', async ({ page }) => {
  await page.goto(`${base()}#demo&count=0`);
  await expect(page.getByRole('heading', { name: 'No transfers yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add downloads' }).first()).toBeVisible();
  await shot(page, 'empty');

  await page.getByRole('button', { name: 'Add downloads' }).last().click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill('https://releases.example.org/24.04/ubuntu-24.04.1-desktop-amd64.iso\nhttps://download.example.org/blender/blender-4.2.3-linux-x64.tar.xz');
  await expect(dialog.getByRole('button', { name: 'Download 2' })).toBeEnabled();
  await dialog.getByLabel('SHA-256 (optional)').fill('abc');
  await expect(dialog.getByLabel('SHA-256 (optional)')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('SHA-256 (optional)').fill('');
  await shot(page, 'add-dialog');
  await dialog.getByRole('button', { name: 'Download 2' }).click();
  await expect(page.getByRole('grid').getByRole('row')).toHaveCount(2);
});

test('busy list, details panel and the settings dialog', async ({ page }) => {
  await page.goto(`${base()}#demo`);
  const grid = page.getByRole('grid', { name: 'Transfers' });
  await expect(grid.getByRole('row').first()).toBeVisible();
  await page.waitForTimeout(2500);
  await shot(page, 'busy-list');

  await grid.getByRole('row', { name: /^blender-4.2.3-linux-x64.tar.xz/ }).click();
  await page.keyboard.press('Enter');
  const details = page.getByRole('complementary', { name: 'Details' });
  await expect(details.getByRole('heading', { name: 'blender-4.2.3-linux-x64.tar.xz' })).toBeVisible();
  await expect(details.getByRole('button', { name: 'Show in folder' })).toBeVisible();
  await expect(details.getByRole('textbox', { name: 'Speed limit for blender-4.2.3-linux-x64.tar.xz' })).toHaveValue('');
  await page.waitForTimeout(3000);
  await shot(page, 'details');

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByLabel('Download folder')).toHaveValue('/home/you/Downloads');
  await shot(page, 'settings');
  await settings.getByRole('tab', { name: 'Upload destinations' }).click();
  await expect(settings.getByRole('list', { name: 'Upload destinations' }).getByRole('listitem')).toHaveCount(2);
  await shot(page, 'settings-destinations');
});

test('dark theme follows the OS', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${base()}#demo`);
  await expect(page.getByRole('grid', { name: 'Transfers' }).getByRole('row').first()).toBeVisible();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(20, 22, 25)');
  await page.getByRole('grid').getByRole('row').nth(1).click();
  await page.getByRole('button', { name: 'Details panel' }).click();
  await page.waitForTimeout(2000);
  await shot(page, 'dark');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('tab', { name: 'Transfers' }).click();
  await shot(page, 'dark-settings');
});

test('drop overlay says what will happen', async ({ page }) => {
  await page.goto(`${base()}#demo`);
  await expect(page.getByRole('grid').getByRole('row').first()).toBeVisible();
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['hello'], 'report.pdf', { type: 'application/pdf' }));
    return d;
  });
  await page.dispatchEvent('.main', 'dragenter', { dataTransfer: dt });
  await expect(page.getByText('Drop files to upload')).toBeVisible();
  await shot(page, 'drop-overlay');
  await page.dispatchEvent('.main', 'drop', { dataTransfer: dt });
  const sheet = page.getByRole('dialog', { name: 'Upload files' });
  await expect(sheet.getByRole('list', { name: 'Chosen files' })).toContainText('report.pdf');
  await shot(page, 'upload-sheet');
});
