// The queue you can order and its schedule, in Chromium against the headless host with the real
// engine (issue 20): moves from the row menu, the keyboard and by drag; priority; a transfer's own
// speed limit in the add dialog and the details panel; Settings › Schedule and "Run now".
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { Snapshot } from '../../shared/contract';
import type { TransferView } from '../../shared/transfer';
import { connectUi, type UiClient } from '../../test-support/headless-client';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot } from '../support/shots';

test.describe.configure({ mode: 'serial' });

let info: HostFixtureInfo;
let page: Page;
let other: UiClient;
const consoleErrors: string[] = [];
hostPageForFile((host) => ({ info, page } = host), {
  async prepare() {
    const ui = new URL(info.ui);
    other = await connectUi(Number(ui.port), ui.hash.replace('#token=', ''));
    // One at a time: the crawl holds the slot for minutes, so everything added after it waits in the queue.
    expect((await other.call('setSettings', { maxActive: 1 })).ok).toBe(true);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  },
});

test.afterAll(() => {
  other?.close();
});

const grid = () => page.getByRole('grid', { name: 'Transfers' });
const row = (name: string) => grid().getByRole('row', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) });
/** The names down the list, as shown. */
const shownOrder = () => grid().getByRole('row').evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? '').split(',')[0]));
/** The host's own order (a fresh snapshot), not what the page thinks. */
async function hostOrder(): Promise<string[]> {
  const r = await other.call('snapshot');
  return (r.value as Snapshot).transfers.map((t) => t.name);
}
async function hostView(name: string): Promise<TransferView> {
  const r = await other.call('snapshot');
  return (r.value as Snapshot).transfers.find((t) => t.name === name)!;
}

async function add(url: string, extra: { limit?: string; priority?: string } = {}) {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(url);
  if (extra.limit) await dialog.getByLabel('Speed limit (each)').fill(extra.limit);
  if (extra.priority) await dialog.getByLabel('Priority').selectOption(extra.priority);
  if (extra.limit) await shot(page, 'add-dialog-own-limit');
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeHidden();
}

test('the add dialog gives a download its own speed limit and priority', async () => {
  await add(info.crawl.url);
  await expect(row(info.crawl.name)).toHaveAttribute('data-state', 'active');
  await add(info.big.url, { limit: '300K', priority: 'low' });
  await expect(row('big.bin')).toHaveAttribute('data-state', 'queued');
  await expect(row('big.bin')).toContainText('Low priority');
  expect(await hostView('big.bin')).toMatchObject({ speedLimit: 300 * 1024, priority: 'low' });
  await add(info.slow.url);
  await add(info.segmented.url);
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'big.bin', 'slow.bin', 'segmented.bin']);
});

test('moves from the row menu reach the host and every list', async () => {
  await row('segmented.bin').click({ button: 'right' });
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem', { name: /Move up/ })).toBeVisible();
  await shot(page, 'queue-row-menu');
  await menu.getByRole('menuitem', { name: /Move to top of queue/ }).click();
  await expect.poll(shownOrder).toEqual(['segmented.bin', info.crawl.name, 'big.bin', 'slow.bin']);
  expect(await hostOrder()).toEqual(['segmented.bin', info.crawl.name, 'big.bin', 'slow.bin']);

  await row('segmented.bin').click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: /Move to bottom of queue/ }).click();
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'big.bin', 'slow.bin', 'segmented.bin']);

  await row('slow.bin').click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: /Move up/ }).click();
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'slow.bin', 'big.bin', 'segmented.bin']);
});

test('Alt+arrows, Alt+Home and Alt+End move the focused transfer', async () => {
  await row('segmented.bin').click();
  await grid().press('Alt+ArrowUp');
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'slow.bin', 'segmented.bin', 'big.bin']);
  await grid().press('Alt+Home');
  await expect.poll(shownOrder).toEqual(['segmented.bin', info.crawl.name, 'slow.bin', 'big.bin']);
  await grid().press('Alt+ArrowDown');
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'segmented.bin', 'slow.bin', 'big.bin']);
  await grid().press('Alt+End');
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'slow.bin', 'big.bin', 'segmented.bin']);
  expect(await hostOrder()).toEqual([info.crawl.name, 'slow.bin', 'big.bin', 'segmented.bin']);
});

test('dragging a row drops it before the row under it, or after in its lower half', async () => {
  const target = row('slow.bin');
  const box = (await target.boundingBox())!;
  await row('segmented.bin').dragTo(target, { targetPosition: { x: 200, y: 8 } });
  await expect.poll(shownOrder).toEqual([info.crawl.name, 'segmented.bin', 'slow.bin', 'big.bin']);
  await row(info.crawl.name).dragTo(row('big.bin'), { targetPosition: { x: 200, y: box.height - 8 } });
  await expect.poll(shownOrder).toEqual(['segmented.bin', 'slow.bin', 'big.bin', info.crawl.name]);
  expect(await hostOrder()).toEqual(['segmented.bin', 'slow.bin', 'big.bin', info.crawl.name]);
});

test('priority from the menu, and the own limit typed in the details panel', async () => {
  await row('slow.bin').click({ button: 'right' });
  await page.getByRole('menu').getByRole('menuitem', { name: 'High priority' }).click();
  await expect(row('slow.bin')).toContainText('High priority');
  expect((await hostView('slow.bin')).priority).toBe('high');

  await row('big.bin').click();
  await page.getByRole('toolbar').getByRole('button', { name: 'Details panel' }).click();
  const limit = page.getByLabel('Speed limit for big.bin');
  await expect(limit).toHaveValue('300K');
  await limit.fill('2 lots');
  await limit.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'is not a rate' })).toBeVisible();
  await limit.fill('1.5M');
  await limit.press('Enter');
  await expect.poll(async () => (await hostView('big.bin')).speedLimit).toBe(1.5 * 1024 * 1024);
  await expect(limit).toHaveValue('1536K');
  await page.getByLabel('Priority of big.bin').selectOption('normal');
  await expect.poll(async () => (await hostView('big.bin')).priority).toBeUndefined();
  await shot(page, 'queue-details-limit');
  await page.getByRole('toolbar').getByRole('button', { name: 'Details panel' }).click();
});

test('Settings › Schedule: a timetable checked as typed, queue hours that close the queue, Run now', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: 'Schedule' }).click();
  const steps = dialog.getByLabel('Steps (rclone’s --bwlimit timetable)');
  await steps.fill('08:00,2M 25:00,off');
  await expect(dialog.getByRole('alert')).toContainText('"25:00" in "25:00,off" is not a time');
  await steps.fill('00:00,3M');
  await expect(dialog.getByText('2 steps a week').or(dialog.getByText('7 steps a week'))).toBeVisible();
  // Hours that start two hours from now (the page and the host share the machine's clock and zone).
  const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const start = new Date(Date.now() + 2 * 3_600_000);
  const end = new Date(Date.now() + 3 * 3_600_000);
  await dialog.getByLabel('Start transfers only between these times').check();
  await dialog.getByLabel('Start at').fill(hhmm(start));
  await dialog.getByLabel('Stop at').fill(hhmm(end));
  await dialog.getByLabel('Then').selectOption('sleep');
  await shot(page, 'settings-schedule');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  // The timetable wrote the limit in force; the toolbar shows it.
  await expect(page.getByLabel('Download speed limit')).toHaveValue(String(3 * 1024 * 1024));
  // Outside the hours the queue waits and the running transfer went back to the queue.
  const chip = page.getByRole('toolbar').getByText(/^Queue waits until/);
  await expect(chip).toBeVisible();
  await expect(row(info.crawl.name)).toHaveAttribute('data-state', 'queued');
  await shot(page, 'queue-waits');
  await page.getByRole('toolbar').getByRole('button', { name: 'Run now' }).click();
  await expect(chip).toBeHidden();
  await expect(grid().locator('[data-state="active"]')).toHaveCount(1);
  // High priority first: slow.bin was high, and it is the one that started.
  await expect(row('slow.bin')).toHaveAttribute('data-state', 'active');
  expect(consoleErrors).toEqual([]);
});
