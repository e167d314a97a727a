// The window closed to the tray gives its renderer back after the user's delay, and "Show Ferry"
// builds a new one that takes the snapshot: driven through the fake 'electron' module over the real
// engine, on a manual clock for the delay.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '../../shared/contract';
import { makeTempDir, removeDir } from '../../test-support/files';
import { FakeBrowserWindow, type FakeElectron } from '../../test-support/fake-electron';
import { ManualClock } from '../../test-support/manual-clock';
import { openEngine, type TransferEngine } from '../engine/index';
import { callChannel } from '../hosts/kit/ipc/channels';
import { openConfBacking } from '../hosts/kit/service/conf-backing';
import { MINUTE_MS } from './window-release';

const fake = vi.hoisted(() => ({ current: undefined as FakeElectron | undefined }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../../test-support/fake-electron');
  fake.current = createFakeElectron();
  return { ...fake.current.module, default: fake.current.module };
});

const { startFerryApp } = await import('./ferry-app');
const electron = fake.current!;

let dir: string;
let engine: TransferEngine | undefined;

async function start(settings: Record<string, unknown> = {}, argv = ['/opt/Ferry/ferry']) {
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  electron.app.paths.downloads = path.join(dir, 'downloads');
  await mkdir(electron.app.paths.downloads, { recursive: true });
  openConfBacking(dataDir, 'settings').store = { rpcEnabled: false, ...settings };
  const clock = new ManualClock();
  const ferry = await startFerryApp({
    argv, cwd: dir, rendererDir: path.join(dir, 'renderer'), preloadPath: '/x/preload.cjs', iconPath: '/x/icon.png', trayIconPath: '/x/tray.png',
    dataDir, handleSignals: false, openBacking: openConfBacking, rpcPort: 0, windowClock: clock,
    openEngine: async (options) => (engine = await openEngine(options)),
  });
  return { ferry: ferry!, clock };
}

function fromWindow(window: FakeBrowserWindow, name: Parameters<typeof callChannel>[0], input?: unknown) {
  return electron.handlers.get(callChannel(name))!({ senderFrame: window.webContents.mainFrame }, input) as Promise<{ ok: boolean; value?: unknown }>;
}

const showFromTray = () => electron.Tray.last!.menu.find((item) => item.label === 'Show Ferry')!.click!();

beforeEach(async () => {
  dir = await makeTempDir('ferry-tray-');
  electron.app.removeAllListeners();
  FakeBrowserWindow.all = [];
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await removeDir(dir);
});

describe('a tray that weighs nothing', () => {
  it('destroys the closed window after the delay and builds a new one from the snapshot on reopen', async () => {
    const { ferry, clock } = await start();
    const first = FakeBrowserWindow.all.at(-1)!;
    const added = await fromWindow(first, 'addDownloads', { urls: ['http://127.0.0.1:9/kept.bin'], paused: true });
    expect(added.ok).toBe(true);

    expect(first.userClose()).toBe(false); // closed to the tray: hidden, still there
    await clock.advance(5 * MINUTE_MS - 1);
    expect(first.destroyed).toBe(false);
    await clock.advance(1);
    expect(first.destroyed).toBe(true);
    expect(first.webContents.isDestroyed()).toBe(true);
    expect(ferry.window()).toBeUndefined();
    expect(FakeBrowserWindow.all).toHaveLength(1);

    showFromTray();
    const second = FakeBrowserWindow.all.at(-1)!;
    expect(FakeBrowserWindow.all).toHaveLength(2);
    expect(ferry.window()).toBe(second);
    expect(second.visible).toBe(true);
    // The new renderer is served like the first: its snapshot lists what was added before.
    const snapshot = await fromWindow(second, 'snapshot');
    expect((snapshot.value as Snapshot).transfers.map((t) => t.url)).toEqual(['http://127.0.0.1:9/kept.bin']);
    // The old window's frame is no longer trusted.
    expect(await fromWindow(first, 'snapshot').catch((e: Error) => ({ ok: false, error: e.message }))).toMatchObject({ ok: false });
  });

  it('keeps a window shown again in time, and with "never" keeps the hidden window for good', async () => {
    const { clock } = await start({ releaseWindowAfterMinutes: null });
    const window = FakeBrowserWindow.all.at(-1)!;
    window.userClose();
    await clock.advance(24 * 60 * MINUTE_MS);
    expect(window.destroyed).toBe(false);
    showFromTray();
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(window.visible).toBe(true);
  });

  it('a setting of 0 destroys the window as it closes; a window started hidden goes the same way', async () => {
    const { clock } = await start({ releaseWindowAfterMinutes: 0 }, ['/opt/Ferry/ferry', '--hidden']);
    const hidden = FakeBrowserWindow.all.at(-1)!;
    expect(hidden.destroyed).toBe(true); // started in the tray: no renderer kept
    await clock.advance(0);
    showFromTray();
    const shown = FakeBrowserWindow.all.at(-1)!;
    expect(shown.visible).toBe(true);
    shown.userClose();
    expect(shown.destroyed).toBe(true);
  });
});
