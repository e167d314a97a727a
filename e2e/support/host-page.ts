// What every host spec sets up before its tests and takes down after them: the host fixture (a
// fresh HOME, loopback servers, the headless host with the real engine) and one page on its UI,
// connected. The tests of a file run in order on that one page, so each file gets its own host.
//
//   let info: HostFixtureInfo;
//   let page: Page;
//   hostPageForFile((host) => ({ info, page } = host));
import { expect, test } from '@playwright/test';
import type { BrowserContextOptions, Page } from '@playwright/test';
import type { HostFixtureInfo } from './host-fixture';
import { startHostFixture } from './host-process';

export interface HostPage {
  info: HostFixtureInfo;
  page: Page;
}

export interface HostPageOptions {
  /** For browser.newPage (acceptDownloads, say). */
  page?: BrowserContextOptions;
  /** The host with its aria2 RPC on (info.rpc: endpoint and secret). */
  rpc?: boolean;
  /** Runs after `ready`, before the page loads the UI: listeners, routes, host settings. */
  prepare?(host: HostPage): Promise<void> | void;
}

/** Registers the file's beforeAll (host, page, `ready`) and afterAll (page closed, host stopped). */
export function hostPageForFile(ready: (host: HostPage) => void, options: HostPageOptions = {}): void {
  let page: Page | undefined;
  let stop: (() => Promise<void>) | undefined;

  test.beforeAll(async ({ browser }) => {
    const fixture = await startHostFixture({ rpc: options.rpc ?? false });
    stop = fixture.stop;
    page = await browser.newPage(options.page);
    const host = { info: fixture.info, page };
    ready(host);
    await options.prepare?.(host);
    await page.goto(fixture.info.ui);
    await expect(page.getByText('Connected', { exact: true })).toBeVisible();
  });

  test.afterAll(async () => {
    await page?.close();
    await stop?.();
  });
}
