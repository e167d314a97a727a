// What the extension's e2e specs share: the extension built into extension/dist, a fresh HOME in
// which `ferry rpc` starts first (installing its native-messaging host for every browser, before
// Chromium ever made its profile there), then Debian's Chromium (headless, the extension loaded
// unpacked) with that HOME's default profile, and the extension's service worker to look into.
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, expect, type BrowserContext, type CDPSession, type Page, type Worker } from '@playwright/test';
import { makeTempDir, removeDir } from '../../test-support/files';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';
import { startFerryRpc, type RpcPeer } from './rpc-peer';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXTENSION_DIR = path.join(ROOT, 'extension', 'dist');

export interface ExtensionSession {
  home: string;
  dataDir: string;
  /** Chromium's default user data dir under HOME, made by Chromium itself after Ferry started. */
  profile: string;
  peer: RpcPeer;
  context: BrowserContext;
  worker: Worker;
  /** chrome-extension://ID */
  origin: string;
  /** A page that gives downloads back to Chromium (Playwright takes them over by default). */
  newPage(): Promise<Page>;
  /** Runs an expression in the world of Ferry's content script in `target` (found over CDP), as a page that took over its renderer could. */
  inContentScript(target: Page, expression: string): Promise<string>;
  close(): Promise<void>;
}

export async function startExtensionSession(prefix: string): Promise<ExtensionSession> {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-extension.mjs')], { cwd: ROOT, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  const home = await makeTempDir(prefix);
  const dataDir = path.join(home, '.local', 'share', 'ferry');
  await mkdir(dataDir, { recursive: true });
  const profile = path.join(home, '.config', 'chromium');
  const peer = await startFerryRpc({ home, dataDir, downloadDir: path.join(home, 'ferry-downloads') });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    env: { ...process.env, HOME: home },
    args: [...CHROMIUM_ARGS, '--headless=new', `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return {
    home,
    dataDir,
    profile,
    peer,
    context,
    worker,
    origin: `chrome-extension://${new URL(worker.url()).host}`,
    async newPage() {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'default', eventsEnabled: true });
      return page;
    },
    async inContentScript(target, expression) {
      const cdp: CDPSession = await context.newCDPSession(target);
      const worlds: { id: number; origin: string; auxData?: { type?: string } }[] = [];
      cdp.on('Runtime.executionContextCreated', (event) => worlds.push(event.context));
      await cdp.send('Runtime.enable');
      const extensionOrigin = `chrome-extension://${new URL(worker.url()).host}`;
      await expect.poll(() => worlds.some((w) => w.origin === extensionOrigin && w.auxData?.type === 'isolated')).toBe(true);
      const world = worlds.find((w) => w.origin === extensionOrigin && w.auxData?.type === 'isolated')!;
      const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { contextId: world.id, expression, awaitPromise: true, returnByValue: true });
      await cdp.detach();
      if (exceptionDetails) throw new Error(`in the content script: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return String(result.value);
    },
    async close() {
      await context.close();
      await peer.stop();
      await removeDir(home);
    },
  };
}
