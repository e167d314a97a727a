// The UI as the desktop app shows it (`#demo&desktop`: native dialogs with canned answers, handles
// instead of paths): folders are chosen with "Choose folder…" and only shown, never typed; upload
// files come from "Choose files…" and are listed by name and size.
import { expect, test } from '@playwright/test';
import { shot } from '../support/shots';

const base = () => process.env.FERRY_DEMO_URL!;

test('desktop: download folders are picked, not typed', async ({ page }) => {
  await page.goto(`${base()}#demo&count=0&desktop`);
  await page.getByRole('button', { name: 'Add downloads' }).last().click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  const folder = dialog.getByLabel('Save to folder');
  await expect(folder).toHaveAttribute('readonly', '');
  await dialog.getByRole('button', { name: 'Choose folder…' }).click();
  await expect(folder).toHaveValue('/home/you/Projects/releases');
  await dialog.getByRole('button', { name: 'Use default' }).click();
  await expect(folder).toHaveValue('');
  await dialog.getByRole('button', { name: 'Choose folder…' }).click();
  await expect(folder).toHaveValue('/home/you/Projects/releases');
  await dialog.getByLabel('Links').fill('https://releases.example.org/ferry-1.0.AppImage');
  await shot(page, 'desktop-add-folder');
  await dialog.getByRole('button', { name: 'Download' }).click();
  await expect(page.getByRole('grid').getByRole('row')).toHaveCount(1);

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByLabel('Download folder')).toHaveAttribute('readonly', '');
  await settings.getByRole('button', { name: 'Choose folder…' }).click();
  await expect(settings.getByLabel('Download folder')).toHaveValue('/home/you/Projects/releases');
  await shot(page, 'desktop-settings-folder');
});

test('desktop: upload files come from the native dialog, listed by name and size', async ({ page }) => {
  await page.goto(`${base()}#demo&count=0&desktop`);
  await page.getByRole('button', { name: 'Upload' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Upload files' });
  await dialog.getByRole('button', { name: 'Choose files…' }).click();
  const list = dialog.getByRole('list', { name: 'Chosen files' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list).toContainText('holiday-2026.mp4');
  await expect(list).toContainText('700 MiB');
  await shot(page, 'desktop-upload-chosen');
  await dialog.getByRole('button', { name: 'Upload 2' }).click();
  await expect(page.getByRole('grid').getByRole('row')).toHaveCount(2);
});

test('desktop: files dropped on the window still open the upload sheet and upload; Settings shows the question before uploading them', async ({ page }) => {
  await page.goto(`${base()}#demo&count=0&desktop`);
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['minutes'], 'minutes.txt', { type: 'text/plain' }));
    d.items.add(new File(['slides'], 'slides.pdf', { type: 'application/pdf' }));
    return d;
  });
  await page.dispatchEvent('.main', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('.main', 'drop', { dataTransfer: dt });
  const sheet = page.getByRole('dialog', { name: 'Upload files' });
  await expect(sheet.getByRole('list', { name: 'Chosen files' }).getByRole('listitem')).toHaveCount(2);
  await sheet.getByRole('button', { name: 'Upload 2' }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole('grid').getByRole('row')).toHaveCount(2);

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Transfers' }).click();
  await expect(settings.getByLabel(/Ask before uploading dropped files/)).toBeChecked();
  await shot(page, 'desktop-settings-dropped-files');
});
