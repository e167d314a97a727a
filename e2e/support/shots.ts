// Screenshots land in e2e/screenshots/ (gitignored); the best are copied to docs/screenshots/.
import type { Page } from '@playwright/test';
import { resolve } from 'node:path';

export const SHOTS_DIR = resolve(import.meta.dirname, '../screenshots');

export async function shot(page: Page, name: string): Promise<void> {
  // Let the progress bar transitions and dialog animations settle.
  await page.waitForTimeout(350);
  await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` });
}
