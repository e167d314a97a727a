// The add dialog's video quality in the browser UI against the real headless host: a link to an
// ffmpeg-made HLS master playlist with two variants (640x360 and 320x180) is described by the host
// shortly after it is typed; the dialog offers both, the smaller one is picked, and the finished
// file is that variant (ffprobe). The screenshot goes to docs/screenshots/add-dialog-variants.png.
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { ffmpegMissing, probe, StreamFixtures } from '../../test-support/stream-fixtures';
import type { HostFixtureInfo } from '../support/host-fixture';
import { hostPageForFile } from '../support/host-page';
import { shot, SHOTS_DIR } from '../support/shots';

const skip = ffmpegMissing();
test.describe.configure({ mode: 'serial' });
test.skip(Boolean(skip), skip ?? '');

const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };

let info: HostFixtureInfo;
let page: Page;
let server: TestServer;
const fixtures = new StreamFixtures();
const received: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startTestServer();
  const dir = await fixtures.get('master');
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    server.route(`/launch/${path.relative(dir, file).split(path.sep).join('/')}`, { body: await readFile(file), headers: { 'content-type': type } });
  }
});
hostPageForFile((host) => ({ info, page } = host), {
  prepare() {
    // What the host sends the page, to see its answer to a describeStream that shows nothing.
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));
  },
});

test.afterAll(async () => {
  await server?.close();
  await fixtures.remove();
});

test('a master playlist link offers its variants; the one picked is the one saved', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const add = page.getByRole('dialog', { name: 'Add downloads' });
  await add.getByLabel('Links').fill(server.url('/launch/master.m3u8'));
  const quality = add.getByLabel('Video quality');
  await expect(quality).toBeVisible();
  const options = await quality.locator('option').allTextContents();
  expect(options).toHaveLength(3);
  expect(options[0]).toMatch(/^Best: 640x360, /);
  expect(options[1]).toMatch(/^640x360, /);
  expect(options[2]).toMatch(/^320x180, /);
  await quality.selectOption({ label: options[2]! });
  await expect(add.getByText('This link is an HLS video stream with 2 versions', { exact: false })).toBeVisible();
  await shot(page, 'add-dialog-variants');
  await copyFile(path.join(SHOTS_DIR, 'add-dialog-variants.png'), path.resolve(import.meta.dirname, '../../docs/screenshots/add-dialog-variants.png'));
  await add.getByRole('button', { name: /^Download/ }).click();
  await expect(add).toHaveCount(0);
  const row = page.getByRole('grid', { name: 'Transfers' }).getByRole('row', { name: /^launch\./ });
  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  const saved = (await readdir(info.downloads)).filter((name) => name.startsWith('launch.'));
  expect(saved).toHaveLength(1);
  const facts = await probe(path.join(info.downloads, saved[0]!));
  expect(facts.streams.find((s) => s.type === 'video')).toMatchObject({ width: 320, height: 180 });
});

test('a link that is no stream offers no choice and adds as before', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const add = page.getByRole('dialog', { name: 'Add downloads' });
  await add.getByLabel('Links').fill(info.checked.url);
  // The host is asked and answers "no stream"; no choice appears.
  await expect.poll(() => received.some((frame) => frame.includes('"kind":null'))).toBe(true);
  await expect(add.getByTestId('stream-checking')).toHaveCount(0);
  await expect(add.getByLabel('Video quality')).toHaveCount(0);
  await add.getByRole('button', { name: 'Cancel' }).click();
});
