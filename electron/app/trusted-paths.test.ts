// The desktop app's main process chooses every path: a renderer (playing a compromised one here,
// calling the IPC handlers from Ferry's own window) can only hold handles for files the user chose
// in a native dialog, dropped or handed over, pick among folders the user chose, and open only
// completed downloads, asking first for anything that would run. Driven through the fake
// 'electron' module over the real engine, a real upload receiver and a real download server.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, randomBytes, removeDir } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { startRawReceiver, type RawReceiver } from '../../test-support/upload-servers';
import type { TransferView } from '../../shared/transfer';
import { openEngine, type TransferEngine } from '../engine/index';
import { openConfBacking } from '../hosts/kit/service/backing-store';
import { callChannel, CHOOSE_DROPPED_FILE_CHANNEL } from '../hosts/kit/ipc/channels';
import type { RequestName } from '../../shared/contract';
import { FakeBrowserWindow, type FakeElectron } from '../../test-support/fake-electron';

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
let receiver: RawReceiver;
let engine: TransferEngine | undefined;
const body = randomBytes(50_000, 3);

beforeEach(async () => {
  dir = await makeTempDir('ferry-trust-');
  server = await startTestServer();
  server.route('/file.bin', { body });
  server.route('/slow.bin', { body, rateBytesPerSec: 10_000 });
  server.route('/setup.sh', { body: '#!/bin/sh\necho hi\n' });
  receiver = await startRawReceiver();
  electron.app.removeAllListeners();
  electron.dialogQuestions.length = 0;
  electron.dialogAnswers.length = 0;
  electron.openDialogAnswers.length = 0;
  electron.openDialogs.length = 0;
  electron.opened.length = 0;
  FakeBrowserWindow.all = [];
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  electron.app.paths.downloads = path.join(dir, 'downloads');
  await mkdir(electron.app.paths.downloads, { recursive: true });
  await startFerryApp({
    argv: ['/opt/Ferry/ferry'],
    cwd: dir,
    rendererDir: path.join(dir, 'renderer'),
    preloadPath: '/x/preload.cjs',
    iconPath: '/x/icon.png',
    trayIconPath: '/x/tray.png',
    dataDir,
    handleSignals: false,
    openBacking: openConfBacking,
    openEngine: async (options) => (engine = await openEngine(options)),
  });
});

afterEach(async () => {
  await engine?.close().catch(() => {});
  engine = undefined;
  await server.close();
  await receiver.close();
  await removeDir(dir);
});

/** A call from the renderer of Ferry's own window: what a compromised renderer can do. */
async function fromRenderer(name: RequestName, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const window = FakeBrowserWindow.all.at(-1)!;
  const handler = electron.handlers.get(callChannel(name))!;
  return (await handler({ senderFrame: window.webContents.mainFrame }, input)) as never;
}

async function dropped(filePath: unknown, frame?: unknown) {
  const window = FakeBrowserWindow.all.at(-1)!;
  const handler = electron.handlers.get(CHOOSE_DROPPED_FILE_CHANNEL)!;
  return (await handler({ senderFrame: frame ?? window.webContents.mainFrame }, filePath)) as { ok: boolean; value?: { handle: string; name: string; size: number }; error?: { code: string } };
}

async function destinationId(): Promise<string> {
  const created = await fromRenderer('createDestination', {
    name: 'Share',
    url: receiver.url('/put/{filename}'),
    method: 'PUT',
    protocol: 'raw',
    headers: [{ name: 'Authorization', value: 'Bearer s3cret', secret: true }],
  });
  expect(created.ok).toBe(true);
  return (created.value as { id: string }).id;
}

async function finished(id: string): Promise<TransferView> {
  const [view] = await engine!.waitUntilFinished([id]);
  return view!;
}

describe('upload files come only from the main process', () => {
  it('refuses addUploads with paths from the renderer, sending nothing', async () => {
    const key = path.join(dir, '.ssh', 'id_rsa');
    await mkdir(path.dirname(key), { recursive: true });
    await writeFile(key, 'PRIVATE KEY');
    const destination = await destinationId();
    const reply = await fromRenderer('addUploads', { paths: [key], destinationId: destination });
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(engine!.list()).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.requestCount()).toBe(0);
  });

  it('uploads a file chosen in the native dialog by its handle; the renderer never sees its path', async () => {
    const file = path.join(dir, 'report.pdf');
    await writeFile(file, body);
    const destination = await destinationId();
    electron.openDialogAnswers.push([file]);
    const chosen = await fromRenderer('chooseUploadFiles');
    expect(electron.openDialogs.at(-1)?.properties).toEqual(['openFile', 'multiSelections']);
    expect(chosen).toEqual({ ok: true, value: [{ handle: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'report.pdf', size: body.length }] });
    expect(JSON.stringify(chosen)).not.toContain(dir);
    const handle = (chosen.value as { handle: string }[])[0]!.handle;
    const added = await fromRenderer('addUploads', { handles: [handle], destinationId: destination });
    expect(added.ok).toBe(true);
    const done = await finished((added.value as TransferView[])[0]!.id);
    expect(done.state).toBe('completed');
    expect(await readFile(receiver.received[0]!.file)).toEqual(body);
    expect(receiver.received[0]!.headers.authorization).toBe('Bearer s3cret');
  });

  it('turns a dropped file into a handle, only for Ferry’s own window and only for files', async () => {
    const file = path.join(dir, 'dropped.txt');
    await writeFile(file, 'dropped bytes');
    const destination = await destinationId();
    const reply = await dropped(file);
    expect(reply).toEqual({ ok: true, value: { handle: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'dropped.txt', size: 13 } });
    expect(await dropped(file, { parent: null, url: 'app://ferry/index.html' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await dropped(dir)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dropped('relative.txt')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dropped({ toString: () => file })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const added = await fromRenderer('addUploads', { handles: [reply.value!.handle], destinationId: destination });
    expect(added.ok).toBe(true);
    expect((await finished((added.value as TransferView[])[0]!.id)).state).toBe('completed');
    expect(await readFile(receiver.received[0]!.file, 'utf8')).toBe('dropped bytes');
    // A handle the main process never issued names nothing.
    expect(await fromRenderer('addUploads', { handles: ['0'.repeat(32)], destinationId: destination })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('download folders come from the folder picker or settings', () => {
  it('refuses a folder the renderer made up, accepts one the user picked', async () => {
    const picked = path.join(dir, 'picked');
    await mkdir(picked);
    const url = server.url('/file.bin');
    expect(await fromRenderer('addDownloads', { urls: [url], directory: picked })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await fromRenderer('setSettings', { downloadDirectory: picked })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    electron.openDialogAnswers.push([picked]);
    expect(await fromRenderer('chooseDownloadFolder')).toEqual({ ok: true, value: picked });
    expect(electron.openDialogs.at(-1)?.properties).toContain('openDirectory');
    const added = await fromRenderer('addDownloads', { urls: [url], directory: picked });
    expect(added.ok).toBe(true);
    const done = await finished((added.value as TransferView[])[0]!.id);
    expect(await readFile(path.join(picked, 'file.bin'))).toEqual(body);
    expect(done.download?.directory).toBe(picked);
    expect(await fromRenderer('setSettings', { downloadDirectory: picked })).toMatchObject({ ok: true, value: { downloadDirectory: picked } });
  });

  it('refuses an autostart folder even from the picker, and a cancelled picker changes nothing', async () => {
    electron.openDialogAnswers.push([path.join(os.homedir(), '.config', 'autostart')]);
    expect(await fromRenderer('chooseDownloadFolder')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/at login/) } });
    expect(await fromRenderer('chooseDownloadFolder')).toEqual({ ok: true, value: null });
    expect(
      await fromRenderer('addDownloads', { urls: [server.url('/file.bin')], directory: path.join(os.homedir(), '.config', 'autostart'), fileName: 'evil.desktop' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('folders RPC clients may save into (Settings › aria2 RPC)', () => {
  it('takes only folders the user picked, never an autostart one, and keeps those already listed', async () => {
    const picked = path.join(dir, 'media');
    await mkdir(picked);
    expect(await fromRenderer('setSettings', { rpcSaveFolders: [picked] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    electron.openDialogAnswers.push([picked]);
    expect(await fromRenderer('chooseDownloadFolder')).toEqual({ ok: true, value: picked });
    expect(await fromRenderer('setSettings', { rpcSaveFolders: [picked] })).toMatchObject({ ok: true, value: { rpcSaveFolders: [picked] } });
    // Saving other settings later resends the list: what is listed already stays accepted.
    expect(await fromRenderer('setSettings', { maxActive: 4, rpcSaveFolders: [picked] })).toMatchObject({ ok: true });
    const autostart = path.join(os.homedir(), '.config', 'autostart');
    expect(await fromRenderer('setSettings', { rpcSaveFolders: [picked, autostart] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('openFile', () => {
  it('opens only completed downloads, never an upload’s source', async () => {
    const file = path.join(dir, 'source.txt');
    await writeFile(file, 'source');
    const destination = await destinationId();
    const handle = (await dropped(file)).value!.handle;
    const upload = ((await fromRenderer('addUploads', { handles: [handle], destinationId: destination })).value as TransferView[])[0]!;
    await finished(upload.id);
    expect(await fromRenderer('openFile', { id: upload.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const running = ((await fromRenderer('addDownloads', { urls: [server.url('/slow.bin')] })).value as TransferView[])[0]!;
    expect(await fromRenderer('openFile', { id: running.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await engine!.cancel(running.id);
    const download = ((await fromRenderer('addDownloads', { urls: [server.url('/file.bin')] })).value as TransferView[])[0]!;
    const done = await finished(download.id);
    expect(await fromRenderer('openFile', { id: download.id })).toEqual({ ok: true, value: undefined });
    expect(electron.opened).toEqual([done.download!.filePath]);
    expect(electron.dialogQuestions).toEqual([]);
  });

  it('asks in a native dialog before opening something that would run, by extension or by mode', async () => {
    const script = ((await fromRenderer('addDownloads', { urls: [server.url('/setup.sh')] })).value as TransferView[])[0]!;
    const scriptPath = (await finished(script.id)).download!.filePath!;
    electron.dialogAnswers.push(1); // Cancel
    expect(await fromRenderer('openFile', { id: script.id })).toMatchObject({ ok: false, error: { code: 'FAILED', message: expect.stringMatching(/chose not to run/) } });
    expect(electron.dialogQuestions).toEqual(['Open “setup.sh”?']);
    expect(electron.opened).toEqual([]);
    electron.dialogAnswers.push(0); // Open
    expect(await fromRenderer('openFile', { id: script.id })).toEqual({ ok: true, value: undefined });
    expect(electron.opened).toEqual([scriptPath]);

    const plain = ((await fromRenderer('addDownloads', { urls: [server.url('/file.bin')] })).value as TransferView[])[0]!;
    const plainPath = (await finished(plain.id)).download!.filePath!;
    await chmod(plainPath, 0o755);
    electron.dialogAnswers.push(1);
    expect(await fromRenderer('openFile', { id: plain.id })).toMatchObject({ ok: false });
    expect(electron.dialogQuestions.at(-1)).toBe('Open “file.bin”?');
    expect(electron.opened).toEqual([scriptPath]);
  });
});
