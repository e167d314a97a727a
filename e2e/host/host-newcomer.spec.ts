// Issue 18, what a newcomer met in the browser UI, driven the way they did it, against the real
// headless host and engine with loopback servers: uploads that find their place (2), row menus and
// Undo (3), browser settings (5), folder errors in words and `~` (6), progress words (10), counts
// (11), one size convention (12), links without a scheme (14), the shortcuts list (16), and finished
// downloads: SHA-256, Open and Show in folder on the host's own machine, Clear completed (17).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });

let info: HostFixtureInfo;
let page: Page;
hostPageForFile((host) => ({ info, page } = host));

const grid = () => page.getByRole('grid', { name: 'Transfers' });
const row = (name: string) => grid().getByRole('row', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) });
const details = () => page.getByRole('complementary', { name: 'Details' });
const fact = (label: string) => details().locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
const opened = async () => (await readFile(info.openLog, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

async function addLines(lines: string[], folder?: string): Promise<void> {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(lines.join('\n'));
  if (folder !== undefined) await dialog.getByLabel('Save to folder').fill(folder);
  await dialog.getByRole('button', { name: /^Download/ }).click();
}

test('2: a file dropped before any destination exists waits while one is set up, then goes there', async () => {
  const content = Buffer.from('numbers for the quarter\n'.repeat(2000));
  const dt = await page.evaluateHandle((bytes) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], 'q3 report.txt', { type: 'text/plain' }));
    return d;
  }, [...content]);
  await page.dispatchEvent('.main', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('.main', 'drop', { dataTransfer: dt });
  const sheet = page.getByRole('dialog', { name: 'Upload files' });
  await expect(sheet.getByRole('list', { name: 'Files waiting for a destination' })).toContainText('q3 report.txt');
  await sheet.getByLabel('Name').fill('Team inbox');
  const folderUrl = info.receiver.url.replace('{filename}', '');
  await sheet.getByLabel('URL').fill(folderUrl);
  await expect(sheet.getByRole('status', { name: 'Where a file goes' })).toContainText(`${folderUrl}q3%20report.txt`);
  await shot(page, 'upload-setup');
  await sheet.getByRole('button', { name: 'Create destination' }).click();
  await expect(sheet).toBeHidden();
  const r = row('q3 report.txt');
  await expect(r).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  const stored = (await readdir(info.receiver.dir)).filter((f) => f.endsWith('q3 report.txt'));
  expect(stored).toHaveLength(1);
  expect(createHash('sha256').update(await readFile(path.join(info.receiver.dir, stored[0]!))).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  await r.click();
  await page.keyboard.press('Enter');
  await expect(fact('Destination')).toHaveText(/^Team inbox · PUT raw/);
  await details().getByRole('button', { name: 'Close details' }).click();
});

test('3: a row’s own menu acts on that row after a batch was added; Cancel and Delete offer Undo', async () => {
  await addLines([info.crawl.url, `${info.crawl.url}?copy=2`, `${info.crawl.url}?copy=3`]);
  const rows = grid().getByRole('row', { name: /^crawl( \(\d\))?\.bin,/ });
  await expect(rows).toHaveCount(3);
  const second = rows.nth(1);
  await expect(second).toHaveAttribute('data-state', /active|queued/, { timeout: 20_000 });
  await second.hover();
  await second.getByRole('button', { name: 'More actions' }).click();
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem', { name: 'Cancel', exact: true })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /\(3\)/ })).toHaveCount(0);
  await menu.getByRole('menuitem', { name: 'Cancel', exact: true }).click();
  await expect(second).toContainText('Canceling…');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(second).not.toContainText('Canceling');
  await page.waitForTimeout(6000); // past the Undo time: nothing was canceled
  await expect(second).not.toHaveAttribute('data-state', 'canceled');

  // Delete takes the row out of the list; Undo brings it back; without Undo it is gone for good.
  const id = await second.getAttribute('data-id');
  await second.click();
  await page.keyboard.press('Delete');
  await expect(grid().locator(`[data-id="${id}"]`)).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(grid().locator(`[data-id="${id}"]`)).toHaveCount(1);
  await shot(page, 'undo-notice');

  // Cancel the three for real, for the Canceled filter.
  for (let i = 0; i < 3; i++) {
    const r = rows.nth(i);
    await r.hover();
    await r.getByRole('button', { name: 'Cancel' }).click();
  }
  await expect(grid().locator('[data-state="canceled"]')).toHaveCount(3, { timeout: 20_000 });
});

test('11: the sidebar and the status bar count the same; canceled transfers have their own filter', async () => {
  const filters = page.getByRole('navigation', { name: 'Filters' });
  await expect(filters.getByRole('button', { name: /^Canceled/ })).toContainText('3');
  await expect(page.getByRole('contentinfo', { name: 'Status' })).toContainText('3 canceled');
  await filters.getByRole('button', { name: /^Canceled/ }).click();
  await expect(grid().getByRole('row')).toHaveCount(3);
  await filters.getByRole('button', { name: /^All/ }).click();
});

test('6 and 14: links without a scheme are read, lines that are not are listed; folders in words, ~ is home', async () => {
  const port = new URL(info.checked.url).host;
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(`${port}/checked.bin\nthis is not a link`);
  await expect(dialog.getByRole('list', { name: 'Lines not read' })).toHaveText('this is not a link');
  await expect(dialog.getByText('1 link found')).toBeVisible();
  await dialog.getByLabel('Save to folder').fill('Documents');
  await dialog.getByRole('button', { name: 'Download' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/^Type a full folder path, such as \/home\/you\/Downloads/);
  await expect(dialog.getByLabel('Save to folder')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'folder-in-words');
  await dialog.getByLabel('Save to folder').fill('~/Documents');
  await dialog.getByRole('button', { name: 'Download' }).click();
  await expect(dialog).toBeHidden();
  const r = row('checked.bin');
  await expect(r).toHaveAttribute('data-state', 'completed', { timeout: 20_000 });
  const saved = path.join(info.home, 'Documents', 'checked.bin');
  expect(createHash('sha256').update(await readFile(saved)).digest('hex')).toBe(info.checked.sha256);
});

test('12 and 17: a finished download shows its size in MiB and its SHA-256; Open and Show in folder work here', async () => {
  await addLines([info.big.url]);
  const r = row('big.bin');
  await expect(r).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  // 12,000,000 bytes in binary units, as the README says (not "12.0 MB").
  expect(info.big.size).toBe(12_000_000);
  await expect(r.locator('.row__status')).toHaveText('11.4 MiB');
  await r.click();
  await page.keyboard.press('Enter');
  await expect(fact('SHA-256')).toHaveText(info.big.sha256);
  await shot(page, 'finished-sha256');
  await details().getByRole('button', { name: 'Open' }).click();
  await details().getByRole('button', { name: 'Show in folder' }).click();
  const file = path.join(info.downloads, 'big.bin');
  await expect.poll(async () => (await opened()).sort(), { timeout: 10_000 }).toEqual([
    `dbus-send --session --print-reply --dest=org.freedesktop.FileManager1 /org/freedesktop/FileManager1 org.freedesktop.FileManager1.ShowItems array:string:file://${file} string:`,
    `xdg-open ${file}`,
  ]);
  await details().getByRole('button', { name: 'Close details' }).click();
});

test('10: a 404 that never started is not "resumable", and its row and details agree', async () => {
  await addLines([info.missing]);
  const r = row('missing.bin');
  await expect(r).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await r.click();
  await page.keyboard.press('Enter');
  await expect(fact('Resumable')).toHaveText(/^Not known yet/);
  await details().getByRole('button', { name: 'Retry' }).click();
  await expect(r).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await expect(fact('Attempt')).toHaveText(/^1 \(counted from your retry at /);
  await details().getByRole('button', { name: 'Close details' }).click();
});

test('17: Clear completed takes the finished ones out of the list, files stay on disk', async () => {
  const completed = grid().locator('[data-state="completed"]');
  expect(await completed.count()).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await expect(completed).toHaveCount(0);
  await page.waitForTimeout(6000);
  await page.reload();
  await expect(page.getByText('Connected', { exact: true })).toBeVisible();
  await expect(grid().locator('[data-state="failed"]')).toHaveCount(1);
  await expect(grid().locator('[data-state="completed"]')).toHaveCount(0);
  expect(await readdir(info.downloads)).toContain('big.bin');
});

test('5 and 16: Settings in a browser offer no desktop-only switch; "?" lists the shortcuts', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('checkbox', { name: /Notify me/ })).toBeVisible();
  await expect(settings.getByRole('checkbox', { name: /tray|log in|quitting|awake/i })).toHaveCount(0);
  await expect(settings).toContainText('settings of the desktop app');
  await shot(page, 'browser-settings');
  await settings.getByRole('button', { name: 'Cancel' }).click();
  await grid().focus();
  await page.keyboard.press('?');
  const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(list).toContainText('Pause or resume');
  await shot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();
});
