// "Import links…" and "Export list…" in Debian's Chromium against the real headless host: a file of
// links to the fixture's loopback server is picked, previewed and added (the rows appear), then the
// list comes back as an aria2 input file the browser downloads.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot, SHOTS_DIR } from '../support/shots';

test.describe.configure({ mode: 'serial' });

let info: HostFixtureInfo;
let page: Page;
let folder: string;
hostPageForFile((host) => ({ info, page } = host), { page: { acceptDownloads: true } });

test.beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'ferry-e2e-list-'));
});

test.afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

const grid = () => page.getByRole('grid');

test('a picked list is previewed, added (rows appear, a second import skips them) and exported in the same format', async () => {
  const list = [
    '# links for the import test',
    `${info.checked.url}?n=1`,
    '  out=first.bin',
    `${info.checked.url}?n=2`,
    '  out=second.bin',
    'ftp://127.0.0.1/not-http.bin',
    `${info.checked.url}?n=3`,
    '  out=third.bin',
  ].join('\n');
  const file = path.join(folder, 'links.txt');
  await writeFile(file, `${list}\n`);

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import links…' }).click();
  await (await chooser).setFiles(file);
  const dialog = page.getByRole('dialog', { name: 'Import links' });
  await expect(dialog.getByRole('status')).toContainText('3 links found · 1 line it could not read');
  await expect(dialog.getByRole('list', { name: 'Lines not read' })).toContainText("Line 6: 'ftp://127.0.0.1/not-http.bin' is not an http or https URL");
  await shot(page, 'import-links');
  await copyFile(path.join(SHOTS_DIR, 'import-links.png'), path.resolve(import.meta.dirname, '../../docs/screenshots/import-links.png'));
  await dialog.getByRole('button', { name: 'Add 3 links' }).click();
  await expect(page.getByText('Added 3 · 1 line not added', { exact: true })).toBeVisible();
  for (const name of ['first.bin', 'second.bin', 'third.bin']) await expect(grid().getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')},`) })).toBeVisible();

  // The same file again: nothing added twice.
  const again = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import links…' }).click();
  await (await again).setFiles(file);
  await page.getByRole('dialog', { name: 'Import links' }).getByRole('button', { name: 'Add 3 links' }).click();
  await expect(page.getByText('Added 0 · skipped 3 already listed · 1 line not added', { exact: true })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export list…' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('ferry-downloads.txt');
  const text = await readFile((await saved.path())!, 'utf8');
  expect(text).toMatch(/^# Ferry: 3 downloads in aria2's input-file format/);
  for (const [n, name] of [[1, 'first.bin'], [2, 'second.bin'], [3, 'third.bin']] as const) {
    expect(text).toContain(`${info.checked.url}?n=${n}\n  dir=${info.downloads}\n  out=${name}\n`);
  }
  await expect(page.getByText('Exported 3 downloads to ferry-downloads.txt.')).toBeVisible();
});
