// Every control has an accessible name, in the window and in each dialog (tests and screen
// readers find controls by role and name).
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

const base = () => process.env.FERRY_DEMO_URL!;

/** Controls without a name: no aria-label(ledby), no <label>, no text, no title. */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    const scope = document.querySelector('dialog[open]') ?? document;
    for (const el of scope.querySelectorAll('button, input, select, textarea, [role="menuitem"], [role="tab"], [role="progressbar"], [role="grid"]')) {
      if (el.closest('[aria-hidden="true"]') || el.type === 'hidden' || el.hidden) continue;
      const byId = (el.getAttribute('aria-labelledby') || '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join('');
      const name = (el.getAttribute('aria-label') || byId || [...(el.labels ?? [])].map((l) => l.textContent).join('') || (el.tagName === 'BUTTON' ? el.textContent : '') || el.getAttribute('title') || '').trim();
      if (!name) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  })()`);
}

test('every control in the window and its dialogs has an accessible name', async ({ page }) => {
  await page.goto(`${base()}#demo`);
  await expect(page.getByRole('grid').getByRole('row').first()).toBeVisible();
  await page.getByRole('grid').getByRole('row').first().click();
  await page.getByRole('button', { name: 'Details panel' }).click();
  await expect(page.getByRole('complementary', { name: 'Details' }).getByRole('heading').nth(1)).toBeVisible();
  expect(await unnamedControls(page)).toEqual([]);

  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  await expect(page.getByRole('dialog', { name: 'Add downloads' })).toBeVisible();
  expect(await unnamedControls(page)).toEqual([]);
  await page.keyboard.press('Escape');

  await page.getByRole('toolbar').getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('dialog', { name: 'Upload files' })).toBeVisible();
  expect(await unnamedControls(page)).toEqual([]);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  for (const tab of ['General', 'Transfers', 'Rules', 'Upload destinations']) {
    await settings.getByRole('tab', { name: tab }).click();
    expect(await unnamedControls(page)).toEqual([]);
  }
  await settings.getByRole('button', { name: 'Edit Team WebDAV' }).click();
  await expect(settings.getByLabel('Header 1 value')).toHaveAttribute('type', 'password');
  expect(await unnamedControls(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(settings).toBeHidden();

  await page.getByRole('grid').getByRole('row').first().click({ button: 'right' });
  await expect(page.getByRole('menu')).toBeVisible();
  expect(await unnamedControls(page)).toEqual([]);
});
