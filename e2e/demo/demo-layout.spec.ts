// Issue 18 item 13: the window at 800, 1280 and 1920 px wide, light and dark, with the details panel
// open: nothing cut (names, percentages, labels, the footer's "Connected"), the Protocol dropdown
// shows its whole text, the Settings dialog keeps its height from tab to tab, and a menu has one
// highlighted item at a time. The screenshots are the chosen ones in docs/screenshots/.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { shot } from '../support/shots';

const base = () => process.env.FERRY_DEMO_URL!;

/** Elements whose text does not fit their box (cut or ellipsized), described for the failure message. */
async function cut(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((els) =>
    els
      .filter((el) => {
        const e = el as HTMLElement;
        return e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1;
      })
      .map((el) => `${el.className}: "${(el.textContent ?? '').slice(0, 40)}" (${(el as HTMLElement).scrollWidth} > ${(el as HTMLElement).clientWidth})`),
  );
}

async function open(page: Page, width: number, dark: boolean): Promise<void> {
  await page.setViewportSize({ width, height: 800 });
  await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
  await page.goto(`${base()}#demo`);
  const grid = page.getByRole('grid', { name: 'Transfers' });
  await expect(grid.getByRole('row').first()).toBeVisible();
  await grid.getByRole('row', { name: /^blender-4.2.3-linux-x64.tar.xz/ }).click();
  await page.getByRole('button', { name: 'Details panel' }).click();
  await expect(page.getByRole('complementary', { name: 'Details' }).getByRole('heading', { name: 'blender-4.2.3-linux-x64.tar.xz' })).toBeVisible();
  await page.waitForTimeout(1500);
}

for (const width of [800, 1280, 1920]) {
  for (const dark of [false, true]) {
    test(`${width} px wide, ${dark ? 'dark' : 'light'}, details open: nothing is cut`, async ({ page }) => {
      await open(page, width, dark);
      expect(await cut(page.locator('.row__pct, .row__speed, .pill, .statusbar .conn, .statusbar .count, .filter__label, .filter__count, .toolbar .btn, .facts dt, .details__actions .btn'))).toEqual([]);
      // Every visible row shows its percentage.
      const pcts = await page.locator('.row .row__pct').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null && e.textContent !== '').map((e) => (e as HTMLElement).getBoundingClientRect().width));
      expect(pcts.length).toBeGreaterThan(3);
      for (const w of pcts) expect(w).toBeGreaterThan(20);
      await expect(page.locator('.statusbar .conn')).toHaveText('Connected');
      await shot(page, `layout-${width}-${dark ? 'dark' : 'light'}`);
    });
  }
}

test('the Protocol dropdown shows its whole text, and Settings keeps its height between tabs', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 800 });
  await page.goto(`${base()}#demo`);
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const heights: number[] = [];
  for (const tab of ['General', 'Transfers', 'Upload destinations', 'aria2 RPC', 'General']) {
    await settings.getByRole('tab', { name: tab }).click();
    await page.waitForTimeout(250);
    heights.push(Math.round((await settings.boundingBox())!.height));
  }
  expect(new Set(heights).size, `heights per tab: ${heights.join(', ')}`).toBe(1);

  await settings.getByRole('tab', { name: 'Upload destinations' }).click();
  await settings.getByRole('button', { name: 'Add destination' }).click();
  const protocol = settings.getByLabel('Protocol');
  await protocol.selectOption('raw');
  // The text the closed dropdown shows must fit inside it (beside its arrow).
  const fits = await protocol.evaluate((el) => {
    const select = el as HTMLSelectElement;
    const style = getComputedStyle(select);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = ctx.measureText(select.selectedOptions[0]!.text).width;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text: Math.ceil(text), room: Math.floor(room) };
  });
  expect(fits.text, `text ${fits.text} px in ${fits.room} px`).toBeLessThanOrEqual(fits.room);
  await shot(page, 'destination-editor-800');
});

test('a menu highlights one item at a time, whether mouse or keys moved last', async ({ page }) => {
  await page.goto(`${base()}#demo`);
  const grid = page.getByRole('grid', { name: 'Transfers' });
  await grid.getByRole('row').nth(2).click();
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  const items = menu.getByRole('menuitem');
  await items.nth(2).hover();
  const highlighted = () =>
    items.evaluateAll((els) => {
      const plain = getComputedStyle(els[els.length - 1]!.parentElement!).backgroundColor;
      return els.filter((e) => {
        const bg = getComputedStyle(e).backgroundColor;
        return bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent' && bg !== plain;
      }).length;
    });
  expect(await highlighted()).toBe(1);
  await page.keyboard.press('ArrowDown');
  expect(await highlighted()).toBe(1);
  await expect(items.nth(3)).toBeFocused();
});
