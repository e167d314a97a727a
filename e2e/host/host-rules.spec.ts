// Issue 20, rules, in Chromium against the headless host with the real engine: Settings › Rules lists
// the built-in rules, a rule is added, moved and another switched off and saved; the add dialog says
// which rule files a link and where; a link whose name only its redirect's Content-Disposition gives
// lands in the rule's folder. Screenshots light and dark.
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

const openRules = async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Rules' }).click();
  return settings;
};
const ruleNames = (settings: ReturnType<Page['getByRole']>) => settings.getByRole('list', { name: 'Rules, first match wins' }).locator('.rules__name').allTextContents();

test('the Rules tab lists the built-in rules; add, move, switch off and save', async () => {
  const settings = await openRules();
  expect(await ruleNames(settings)).toEqual(['Compressed', 'Documents', 'Music', 'Video', 'Programs', 'Images']);
  await expect(settings.getByText('Watching the clipboard for links is a feature of the desktop app')).toBeVisible();
  await shot(page, 'settings-rules');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'settings-rules-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await settings.getByRole('button', { name: 'Add rule…' }).click();
  await settings.getByLabel('Name', { exact: true }).fill('Discs');
  await settings.getByRole('textbox', { name: /^File types/ }).fill('iso, img');
  await settings.locator('#rule-folder').fill('Discs');
  await expect(settings.getByText(`Now: ${path.join(info.downloads, 'Discs')}`)).toBeVisible();
  await shot(page, 'settings-rule-editor');
  await settings.getByRole('button', { name: 'Add rule', exact: true }).click();
  expect(await ruleNames(settings)).toEqual(['Discs', 'Compressed', 'Documents', 'Music', 'Video', 'Programs', 'Images']);
  await settings.getByRole('button', { name: 'Move Discs down' }).click();
  await settings.getByRole('button', { name: 'Move Discs up' }).click();
  await settings.getByRole('button', { name: 'Move Images up' }).click();
  await settings.getByLabel('Music on').uncheck();
  await settings.getByRole('button', { name: 'Remove Video' }).click();
  expect(await ruleNames(settings)).toEqual(['Discs', 'Compressed', 'Documents', 'Music', 'Images', 'Programs']);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();

  // Saved by the host: a fresh look shows the same order, Music off.
  const again = await openRules();
  expect(await ruleNames(again)).toEqual(['Discs', 'Compressed', 'Documents', 'Music', 'Images', 'Programs']);
  await expect(again.getByLabel('Music on')).not.toBeChecked();
  await expect(again.locator('.rules__row', { hasText: 'Discs' })).toContainText(`→ ${path.join(info.downloads, 'Discs')}`);
  await again.getByRole('button', { name: 'Cancel' }).click();
});

test('a rule folder that climbs out of the download folder is refused in words, on the Rules tab', async () => {
  const settings = await openRules();
  await settings.getByRole('button', { name: 'Edit' }).first().click();
  await settings.locator('#rule-folder').fill('../../.config/autostart');
  await settings.getByRole('button', { name: 'Keep changes' }).click();
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByRole('alert')).toContainText('cannot go up');
  await expect(settings.getByRole('tab', { name: 'Rules' })).toHaveAttribute('aria-selected', 'true');
  await settings.getByRole('button', { name: 'Cancel' }).click();
});

test('the add dialog says which rule files a link; the final name decides where it lands', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(info.rules.disc);
  await expect(dialog.getByTestId('rule-line')).toContainText(`Rule: Discs → ${path.join(info.downloads, 'Discs')}`);
  await shot(page, 'add-dialog-rule');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'add-dialog-rule-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // Override: the download folder itself.
  await dialog.getByRole('button', { name: 'Use the download folder' }).click();
  await expect(dialog.getByText('The folder you chose wins over the rules.')).toBeVisible();
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeHidden();

  // No name in the link: the rule is chosen by the redirect's Content-Disposition (cat.png: Images).
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  await dialog.getByLabel('Links').fill(info.rules.photo);
  await expect(dialog.getByTestId('rule-line')).toHaveCount(0);
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeHidden();

  const photo = path.join(info.downloads, 'Images', 'cat.png');
  await expect.poll(async () => (await readdir(path.join(info.downloads, 'Images')).catch(() => [])).join(',')).toBe('cat.png');
  await expect.poll(async () => createHash('sha256').update(await readFile(photo)).digest('hex')).toBe(info.rules.photoSha256);
  await expect.poll(async () => (await readdir(info.downloads)).sort().join(',')).toBe('Images,disc.iso');
});
