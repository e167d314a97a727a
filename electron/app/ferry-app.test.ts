// The desktop app's decisions, driven through a fake 'electron' module (no binary on build
// machines) over the real engine and a real loopback HTTP server.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, RpcInfo } from '../../shared/contract';
import { makeTempDir, randomBytes, removeDir } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { openEngine, type TransferEngine } from '../engine/index';
import { openConfBacking } from '../hosts/kit/service/conf-backing';
import { callChannel } from '../hosts/kit/ipc/channels';
import { FakeBrowserWindow, type FakeElectron } from '../../test-support/fake-electron';
import type { BrowserPairing } from '../hosts/kit/browser-pairing/browser-pairing';
import { connectLocalControl, type ControlClient } from '../hosts/kit/local-control/client';
import { proxiesMissing, startTinyproxy } from '../../test-support/proxies';

const fake = vi.hoisted(() => ({ current: undefined as FakeElectron | undefined }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../../test-support/fake-electron');
  fake.current = createFakeElectron();
  return { ...fake.current.module, default: fake.current.module };
});

const { startFerryApp } = await import('./ferry-app');
const electron = fake.current!;

let dir: string;
let server: TestServer;
let engine: TransferEngine | undefined;
let releaseClose: (() => void) | undefined;
let realClose: (() => Promise<void>) | undefined;
const body = randomBytes(300_000, 7);

async function start(options: { settings?: Record<string, unknown>; argv?: string[]; holdClose?: boolean; rpc?: boolean; browserPairing?: BrowserPairing } = {}) {
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  electron.app.paths.downloads = path.join(dir, 'downloads');
  await mkdir(electron.app.paths.downloads, { recursive: true });
  // The aria2 RPC only where a test asks for it (then on a free port): no listener left behind.
  openConfBacking(dataDir, 'settings').store = { rpcEnabled: options.rpc ?? false, ...options.settings };
  const ferry = await startFerryApp({
    argv: options.argv ?? ['/opt/Ferry/ferry'],
    cwd: dir,
    rendererDir: path.join(dir, 'renderer'),
    preloadPath: '/x/preload.cjs',
    iconPath: '/x/icon.png',
    trayIconPath: '/x/tray.png',
    dataDir,
    handleSignals: false,
    openBacking: openConfBacking,
    rpcPort: 0,
    ...(options.browserPairing ? { browserPairing: options.browserPairing } : {}),
    openEngine: async ({ dataDir: d, settings, secrets, systemProxy }) => {
      engine = await openEngine({ dataDir: d, settings, secrets, systemProxy });
      realClose = engine.close.bind(engine);
      if (options.holdClose) {
        const close = realClose;
        engine.close = () => new Promise<void>((resolve) => (releaseClose = () => void close().then(resolve)));
      }
      return engine;
    },
  });
  const window = FakeBrowserWindow.all.at(-1)!;
  return { ferry: ferry!, window };
}

function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

beforeEach(async () => {
  dir = await makeTempDir('ferry-app-');
  server = await startTestServer();
  server.route('/file.bin', { body });
  server.route('/file.zip', { body });
  server.route('/slow.bin', { body, rateBytesPerSec: 50_000 });
  electron.app.removeAllListeners();
  electron.module.powerMonitor.removeAllListeners();
  electron.app.exitCodes.length = 0;
  electron.app.quitCalls = 0;
  electron.notifications.length = 0;
  electron.dialogQuestions.length = 0;
  FakeBrowserWindow.all = [];
  releaseClose = undefined;
});

afterEach(async () => {
  releaseClose?.();
  await realClose?.().catch(() => {});
  engine = undefined;
  realClose = undefined;
  await server.close();
  await removeDir(dir);
});

describe('desktop app decisions', () => {
  it('quits at once when another instance holds the lock', async () => {
    electron.app.singleInstance = false;
    try {
      const ferry = await startFerryApp({
        argv: [], cwd: dir, rendererDir: dir, preloadPath: '', iconPath: '', trayIconPath: '', dataDir: dir,
        openEngine: async () => { throw new Error('must not open the engine'); },
      });
      expect(ferry).toBeUndefined();
      expect(electron.app.quitCalls).toBe(1);
    } finally {
      electron.app.singleInstance = true;
    }
  });

  it('hides the window to the tray on close when the setting is on, telling the user once', async () => {
    const { window } = await start();
    expect(window.visible).toBe(true);
    expect(window.userClose()).toBe(false);
    expect(window.visible).toBe(false);
    expect(electron.notifications.map((n) => n.title)).toEqual(['Ferry keeps running']);
    window.show();
    window.userClose();
    expect(electron.notifications).toHaveLength(1);
    expect(electron.app.exitCodes).toEqual([]);
  });

  it('quits on close when close-to-tray is off', async () => {
    const { window } = await start({ settings: { closeToTray: false } });
    window.userClose();
    await until(() => electron.app.exitCodes.length > 0);
    expect(electron.app.exitCodes).toEqual([0]);
  });

  it('does not quit when all windows are closed', async () => {
    await start();
    electron.app.emit('window-all-closed');
    await new Promise((r) => setTimeout(r, 50));
    expect(electron.app.quitCalls).toBe(0);
    expect(electron.app.exitCodes).toEqual([]);
  });

  it('starts hidden with --hidden', async () => {
    const { window } = await start({ argv: ['/opt/Ferry/ferry', '--hidden'] });
    expect(window.visible).toBe(false);
  });

  it('quit awaits the engine checkpoint before the app exits', async () => {
    await start({ holdClose: true });
    let prevented = false;
    electron.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    // The doors close first, then the engine's close starts (and is held here).
    await until(() => releaseClose !== undefined);
    expect(electron.app.exitCodes).toEqual([]); // still checkpointing
    releaseClose!();
    await until(() => electron.app.exitCodes.length > 0);
    expect(electron.app.exitCodes).toEqual([0]);
  });

  it('asks before quitting while transfers run, and stays when the user says so', async () => {
    await start({ settings: { maxActive: 1 } });
    const reply = await handleFromWindow('addDownloads', { urls: [server.url('/slow.bin')] });
    expect(reply).toMatchObject({ ok: true });
    await until(() => engine!.list().some((v) => v.state === 'active' && v.progress.bytesDone > 0));
    // Meanwhile the tray, taskbar and badge show the running transfer.
    const window = FakeBrowserWindow.all.at(-1)!;
    await until(() => /^1 active · \d+% · \d/.test(electron.Tray.last?.tooltip ?? ''));
    expect(window.progress).toBeGreaterThan(0);
    expect(window.progress).toBeLessThan(1);
    expect(electron.app.badge).toBe(1);
    electron.dialogAnswers.push(1); // "Keep running"
    electron.app.emit('before-quit', { preventDefault: () => {} });
    await until(() => electron.dialogQuestions.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(electron.dialogQuestions[0]).toMatch(/1 transfer is still running/);
    expect(electron.app.exitCodes).toEqual([]);
  });

  it('offers a copied download link to the window when clipboard watching is on, and adds it from there', async () => {
    electron.clipboard.text = 'https://example.com/copied-before.zip';
    const { window } = await start({ settings: { clipboardWatch: 'download-links' } });
    await handleFromWindow('snapshot', undefined); // the renderer is up
    electron.clipboard.text = server.url('/file.zip');
    await until(() => window.webContents.sent.some((m) => m.args[0] === 'offerDownload'));
    const offers = window.webContents.sent.filter((m) => m.args[0] === 'offerDownload').map((m) => m.args[1]);
    expect(offers).toEqual([{ url: server.url('/file.zip') }]);
    expect(await handleFromWindow('addDownloads', { urls: [server.url('/file.zip')] })).toMatchObject({ ok: true });
    await until(() => engine!.list().some((v) => v.state === 'completed'));
    // Its notice is out before the next test counts notices.
    await until(() => electron.notifications.some((n) => n.title === 'Download complete'));
    electron.clipboard.text = '';
  });

  it('turns URLs from a second launch into downloads and offers its files for upload', async () => {
    const { window } = await start({ argv: ['/opt/Ferry/ferry', '--hidden'] });
    const offered = path.join(dir, 'to-upload.txt');
    await writeFile(offered, 'hello');
    const events: { name: EventName; payload: unknown }[] = [];
    await handleFromWindow('snapshot', undefined); // the renderer is up
    await new Promise((r) => setTimeout(r, 10));
    electron.app.emit('second-instance', {}, ['/opt/Ferry/ferry', server.url('/file.bin'), 'to-upload.txt', '--some-switch'], dir);
    await until(() => window.webContents.sent.some((m) => m.args[0] === 'offerUpload'));
    for (const m of window.webContents.sent) events.push({ name: m.args[0] as EventName, payload: m.args[1] });
    // The renderer gets a handle and a name for the offered file, never its path.
    expect(events.find((e) => e.name === 'offerUpload')?.payload).toEqual({ files: [{ handle: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'to-upload.txt', size: 5 }] });
    expect(window.visible).toBe(true);
    await until(() => engine!.list().some((v) => v.state === 'completed'));
    const done = engine!.list()[0]!;
    expect(done.url).toBe(server.url('/file.bin'));
    expect(await readFile(done.download!.filePath!)).toEqual(body);
    await until(() => electron.notifications.some((n) => n.title === 'Download complete'));
    expect(electron.notifications.find((n) => n.title === 'Download complete')?.body).toBe(done.name);
  });

  it('holds startup problems and the unencrypted-secrets notice for the window, and logs them at once', async () => {
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'secrets.json'), '{"broken');
    const logged: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
    try {
      const { window } = await start();
      expect(logged.join('')).toMatch(/ferry: secrets\.json is not valid JSON; a copy was kept as secrets\.json\.corrupt-\d+/);
      const notices = () => window.webContents.sent.filter((m) => m.args[0] === 'notice').map((m) => (m.args[1] as { message: string }).message);
      expect(notices()).toEqual([]); // no renderer yet
      await handleFromWindow('snapshot', undefined);
      await until(() => notices().length === 1);
      expect(notices()[0]).toMatch(/secrets\.json is not valid JSON/);
      const destination = {
        name: 'Share',
        url: 'https://dav.example.com/{filename}',
        method: 'PUT',
        protocol: 'raw',
        headers: [{ name: 'Authorization', value: 'Bearer t', secret: true }],
      };
      expect(await handleFromWindow('createDestination', destination)).toMatchObject({ ok: true });
      expect(await handleFromWindow('createDestination', { ...destination, name: 'Two' })).toMatchObject({ ok: true });
      await until(() => notices().length === 2);
      // The fake electron reports Linux's basic_text backend, as a desktop without a keyring does.
      expect(notices()[1]).toMatch(/stored without encryption \((no keyring was found, so Electron's basic_text backend is in use|no OS keyring is available to Ferry)\)/);
      expect(logged.filter((line) => line.includes('stored without encryption'))).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });

  it("counts Linux's basic_text safeStorage as unencrypted: it uses a key built into Chromium", async () => {
    const safeStorage = electron.module.safeStorage as unknown as Record<string, unknown>;
    const saved = { ...safeStorage };
    Object.assign(safeStorage, {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
      getSelectedStorageBackend: () => 'basic_text',
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { window } = await start();
      await handleFromWindow('snapshot', undefined);
      const destination = { name: 'S', url: 'https://dav.example.com/{filename}', method: 'PUT', protocol: 'raw', headers: [{ name: 'X-Key', value: 'k1', secret: true }] };
      expect(await handleFromWindow('createDestination', destination)).toMatchObject({ ok: true });
      expect(await readFile(path.join(dir, 'data', 'secrets.json'), 'utf8')).toContain('"enc":"cipher"');
      await until(() => window.webContents.sent.some((m) => m.args[0] === 'notice' && /basic_text/.test((m.args[1] as { message: string }).message)));
    } finally {
      stderr.mockRestore();
      Object.assign(safeStorage, saved);
    }
  });

  it('with its RPC up, installs the native-messaging host that pairs the browser extension and can start the app in the tray', async () => {
    const home = path.join(dir, 'home');
    await mkdir(path.join(home, '.config', 'chromium'), { recursive: true });
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      await start({ rpc: true, browserPairing: { host: { command: '/opt/Ferry/ferry', args: ['--ferry-native-host'] }, launch: { command: '/opt/Ferry/ferry', args: ['--hidden'] } } });
      const manifestPath = path.join(home, '.config', 'chromium', 'NativeMessagingHosts', 'dev.ferry.host.json');
      await until(() => existsSync(manifestPath));
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { path: string };
      expect(await readFile(manifest.path, 'utf8')).toContain("exec '/opt/Ferry/ferry' '--ferry-native-host' \"$@\"");
      expect(JSON.parse(await readFile(path.join(dir, 'data', 'native-host', 'launch.json'), 'utf8'))).toEqual({ command: '/opt/Ferry/ferry', args: ['--hidden'] });
    } finally {
      process.env.HOME = savedHome;
    }
  });

  it('serves the aria2 RPC, copies its secret in the main process (the window never gets it), refuses aria2.shutdown, and stops it on quit', async () => {
    await start({ rpc: true });
    const info = (await handleFromWindow('rpcInfo', undefined)) as { ok: true; value: RpcInfo };
    expect(info.value).toEqual({ enabled: true, endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/jsonrpc$/), secretFile: path.join(dir, 'data', 'rpc-secret'), canCopySecret: true });
    const secret = (await readFile(path.join(dir, 'data', 'rpc-secret'), 'utf8')).trim();
    expect(JSON.stringify([info, await handleFromWindow('snapshot', undefined), await handleFromWindow('getSettings', undefined)])).not.toContain(secret);
    expect(electron.clipboard.text).toBe('');
    expect(await handleFromWindow('copyRpcSecret', undefined)).toEqual({ ok: true, value: undefined });
    expect(electron.clipboard.text).toBe(secret);
    const rpc = (method: string) =>
      fetch(info.value.endpoint!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${secret}`] }) }).then(
        (r) => r.json() as Promise<{ result?: unknown; error?: { code: number; message: string } }>,
      );
    const added = (await fetch(info.value.endpoint!, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'aria2.addUri', params: [`token:${secret}`, [server.url('/file.bin')]] }),
    }).then((r) => r.json())) as { result: string };
    expect(added.result).toMatch(/^[0-9a-f]{16}$/);
    await until(() => engine!.list().some((v) => v.state === 'completed'));
    expect(await readFile(engine!.list()[0]!.download!.filePath!)).toEqual(body); // into the settings' download folder
    expect((await rpc('aria2.shutdown')).error?.message).toMatch(/desktop app/);
    electron.app.emit('before-quit', { preventDefault: () => {} });
    await until(() => electron.app.exitCodes.length > 0);
    await expect(rpc('aria2.getVersion')).rejects.toThrow();
  });

  it('a handoff of a file it is already fetching: the banner asks while the window shows; hidden, a notification whose click continues it', async () => {
    const { window } = await start({ rpc: true });
    await handleFromWindow('snapshot', undefined); // the renderer is up
    const info = (await handleFromWindow('rpcInfo', undefined)) as { ok: true; value: RpcInfo };
    const secret = (await readFile(path.join(dir, 'data', 'rpc-secret'), 'utf8')).trim();
    const addUri = async (url: string, options: Record<string, unknown>) => {
      const answer = (await fetch(info.value.endpoint!, {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'aria2.addUri', params: [`token:${secret}`, [url], { out: 'clip.bin', 'ferry-size': String(body.length), ...options }] }),
      }).then((r) => r.json())) as { result?: string; error?: { message: string } };
      expect(answer.error).toBeUndefined();
    };
    const offers = () => (window.webContents.sent.filter((m) => m.args[0] === 'continueOffers').at(-1)?.args[1] ?? []) as { id: string; heldId: string }[];
    await addUri(server.url('/slow.bin?first'), { 'max-connection-per-server': '1' });
    const earlier = engine!.list()[0]!;
    await until(() => (engine!.get(earlier.id)?.progress.bytesDone ?? 0) > 50_000 && engine!.get(earlier.id)?.progress.totalBytes === body.length);
    await handleFromWindow('pause', { ids: [earlier.id] });
    const before = electron.notifications.length;

    // The window shows: its banner asks (the event reaches it), no notification.
    await addUri(server.url('/slow.bin?again'), {});
    await until(() => offers().length === 1);
    expect(electron.notifications.length).toBe(before);
    await handleFromWindow('remove', { ids: [offers()[0]!.heldId], deleteFiles: false });
    await until(() => offers().length === 0);

    // Hidden to the tray: a notification says it, and its click continues the earlier download.
    window.hide();
    await addUri(server.url('/slow.bin?fresh'), {});
    await until(() => electron.shownNotifications.length > 0 && electron.notifications.length > before);
    const notification = electron.shownNotifications.at(-1)!;
    expect(notification.options.title).toBe('Continue the unfinished download?');
    expect(notification.options.body).toMatch(/^clip\.bin \(293 KiB\) from your browser matches an unfinished download \(paused at \d+ %\)\. Click to continue it with the new link/);
    notification.emit('click');
    await until(() => engine!.get(earlier.id)?.state === 'completed');
    expect(engine!.list().map((v) => v.id)).toEqual([earlier.id]);
    expect(engine!.get(earlier.id)!.url).toBe(server.url('/slow.bin?fresh'));
    expect(await readFile(engine!.get(earlier.id)!.download!.filePath!)).toEqual(body);
    // Answered: its notification is taken away.
    await until(() => notification.closed);
  });

  it("serves the owner's CLI on its local channel, where paths may be named; the window still may not", async () => {
    await start();
    const upload = { uploads: [{ path: '/etc/hostname', url: server.url('/up/hostname') }], method: 'PUT', protocol: 'raw' };
    expect(await handleFromWindow('addUploadsTo', upload)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const joined = await connectLocalControl(path.join(dir, 'data'));
    expect(joined).toBeDefined();
    expect(joined).not.toHaveProperty('refused');
    const client = joined as ControlClient;
    // A folder the window never picked: the CLI's user owns the machine.
    const folder = path.join(dir, 'from-cli');
    const [view] = await client!.call('addDownloads', { urls: [server.url('/file.bin')], directory: folder });
    await until(() => engine!.get(view!.id)?.state === 'completed');
    expect(await readFile(path.join(folder, 'file.bin'))).toEqual(body);
    const closed = new Promise<void>((resolve) => client!.onClose(resolve));
    electron.app.emit('before-quit', { preventDefault: () => {} });
    await until(() => electron.app.exitCodes.length > 0);
    await closed;
    expect(existsSync(path.join(dir, 'data', 'control.sock'))).toBe(false);
  });

  it.skipIf(proxiesMissing())("follows the system's proxy for each URL (session.resolveProxy: PAC, WPAD) unless Settings say no proxy", async () => {
    const proxy = await startTinyproxy();
    try {
      electron.proxyResolver.answer = `PROXY 127.0.0.1:${proxy.port}; DIRECT`;
      electron.proxyResolver.asked.length = 0;
      await start();
      const first = (await handleFromWindow('addDownloads', { urls: [server.url('/file.bin?via=system')] })) as { value: { id: string }[] };
      const [done] = await engine!.waitUntilFinished([first.value[0]!.id]);
      expect(done?.state).toBe('completed');
      expect(electron.proxyResolver.asked).toContain(server.url('/file.bin?via=system'));
      expect(await proxy.log()).toContain(`GET ${server.url('/file.bin?via=system')} HTTP/1.1`);

      expect(await handleFromWindow('setSettings', { proxy: { mode: 'none' } })).toMatchObject({ ok: true });
      const second = (await handleFromWindow('addDownloads', { urls: [server.url('/file.bin?via=none')] })) as { value: { id: string }[] };
      expect((await engine!.waitUntilFinished([second.value[0]!.id]))[0]?.state).toBe('completed');
      expect(await proxy.log()).not.toContain('via=none');
      expect(server.requestsFor('/file.bin').find((r) => r.query.includes('via=none'))?.headers.via).toBeUndefined();
    } finally {
      electron.proxyResolver.answer = 'DIRECT';
      await proxy.stop();
    }
  });

  it('has one service: every engine event is heard once and batched once, whatever the fronts (window, local channel, aria2 RPC)', async () => {
    await start({ rpc: true });
    await until(() => (engine?.listenerCount('changed') ?? 0) > 0);
    for (const event of ['added', 'changed', 'progress'] as const) expect(engine!.listenerCount(event), event).toBe(1);
    expect(engine!.listenerCount('removed')).toBe(2); // the service, and the keeper of upload secrets (it sweeps after removals)
    // And the window sees a transfer's patches once per batch: one subscriber, one batcher.
    const window = FakeBrowserWindow.all.at(-1)!;
    await handleFromWindow('snapshot', undefined);
    const reply = (await handleFromWindow('addDownloads', { urls: [server.url('/file.bin?once')] })) as { value: { id: string }[] };
    const id = reply.value[0]!.id;
    await until(() => engine!.get(id)?.state === 'completed');
    await new Promise((r) => setTimeout(r, 300)); // the last batch
    const batches = window.webContents.sent.filter((m) => m.args[0] === 'patches').map((m) => (m.args[1] as { id: string }[]).filter((p) => p.id === id).length);
    expect(batches.filter((n) => n > 0).length).toBeGreaterThan(0);
    expect(batches.every((n) => n <= 1)).toBe(true);
  });

  it('accepts IPC calls only from its own window, and validates their input', async () => {
    const { window } = await start();
    const handler = electron.handlers.get(callChannel('pauseAll'))!;
    const stranger = { parent: null, url: 'app://ferry/index.html' };
    expect(await handler({ senderFrame: stranger }, undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const foreignPage = window.webContents.mainFrame;
    foreignPage.url = 'https://evil.example/';
    expect(await handler({ senderFrame: foreignPage }, undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    foreignPage.url = 'app://ferry/index.html';
    expect(await handler({ senderFrame: foreignPage }, undefined)).toEqual({ ok: true, value: undefined });
    expect(await handleFromWindow('addDownloads', { urls: ['file:///etc/passwd'] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

async function handleFromWindow(name: Parameters<typeof callChannel>[0], input: unknown) {
  const window = FakeBrowserWindow.all.at(-1)!;
  const handler = electron.handlers.get(callChannel(name))!;
  return handler({ senderFrame: window.webContents.mainFrame }, input);
}
