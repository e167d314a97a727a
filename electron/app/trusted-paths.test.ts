// The desktop app's main process chooses every path: a renderer (playing a compromised one here,
// calling the IPC handlers from Ferry's own window) can only hold handles for files the user chose
// in a native dialog, confirmed in one after dropping them, or handed over, pick among folders the
// user chose, and open only completed downloads, asking first for anything that would run. Driven
// through the fake 'electron' module over the real engine, a real upload receiver and a real
// download server.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, randomBytes, removeDir } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { startRawReceiver, type RawReceiver } from '../../test-support/upload-servers';
import type { TransferView } from '../../shared/transfer';
import { openEngine, type TransferEngine } from '../engine/index';
import { openConfBacking } from '../hosts/kit/service/conf-backing';
import { callChannel, CHOOSE_DROPPED_FILES_CHANNEL } from '../hosts/kit/ipc/channels';
import type { ChosenFile, RequestName } from '../../shared/contract';
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
  electron.messageBoxes.length = 0;
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

/** What the preload sends for one drop (the paths webUtils gave it), or what a compromised renderer sends instead. */
async function dropped(paths: unknown, frame?: unknown) {
  const window = FakeBrowserWindow.all.at(-1)!;
  const handler = electron.handlers.get(CHOOSE_DROPPED_FILES_CHANNEL)!;
  return (await handler({ senderFrame: frame ?? window.webContents.mainFrame }, paths)) as {
    ok: boolean;
    value?: ChosenFile[];
    error?: { code: string; message: string };
  };
}

/** A dropped file the user confirmed in the native dialog ("Upload"), as its handle. */
async function confirmedDrop(file: string): Promise<string> {
  electron.dialogAnswers.push(0);
  const reply = await dropped([file]);
  expect(reply.ok).toBe(true);
  return reply.value![0]!.handle;
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

});

describe('dropped files become handles only after the main process asked about them', () => {
  async function secretKey(): Promise<string> {
    const key = path.join(dir, 'home', '.ssh', 'id_rsa');
    await mkdir(path.dirname(key), { recursive: true });
    await writeFile(key, 'PRIVATE KEY');
    return key;
  }

  it('a renderer naming ~/.ssh/id_rsa through the drop channel gets no handle when the dialog is cancelled', async () => {
    const key = await secretKey();
    electron.dialogAnswers.push(1); // Cancel
    const reply = await dropped([key]);
    expect(reply).toMatchObject({ ok: false, error: { code: 'FAILED', message: 'Not uploaded: you chose Cancel' } });
    expect(reply.value).toBeUndefined();
    // The user saw exactly what was asked for, in the main process's own dialog; Cancel is the default.
    expect(electron.messageBoxes).toEqual([
      expect.objectContaining({ message: 'Upload “id_rsa”?', buttons: ['Upload', 'Cancel'], defaultId: 1, cancelId: 1, detail: expect.stringContaining(`id_rsa (11 bytes)\n\nFrom ${path.dirname(key)}`) }),
    ]);
  });

  it('one dialog for the whole drop; "Upload" gives handles for exactly the listed files, and they upload', async () => {
    const a = path.join(dir, 'a.txt');
    const b = path.join(dir, 'b.bin');
    const odd = path.join(dir, 'sub', 'line\nbreak\u202Etxt.log');
    await mkdir(path.dirname(odd));
    await writeFile(a, 'aaa');
    await writeFile(b, Buffer.alloc(2048, 7));
    await writeFile(odd, 'odd name');
    const destination = await destinationId();
    electron.dialogAnswers.push(0); // Upload
    const reply = await dropped([a, b, odd, a]);
    expect(reply.ok).toBe(true);
    expect(reply.value!.map(({ name, size }) => ({ name, size }))).toEqual([
      { name: 'a.txt', size: 3 },
      { name: 'b.bin', size: 2048 },
      { name: 'line\nbreak\u202Etxt.log', size: 8 },
    ]);
    expect(new Set(reply.value!.map((f) => f.handle)).size).toBe(3);
    expect(electron.messageBoxes).toHaveLength(1);
    const box = electron.messageBoxes[0]!;
    expect(box.message).toBe('Upload these 3 files?');
    // Every file by name and size, every folder; no line break or direction override from a name reaches the dialog.
    expect(box.detail).toContain('a.txt (3 bytes)\nb.bin (2.00 KiB)\nline\ufffdbreak\ufffdtxt.log (8 bytes)\n\nFrom 2 folders:\n' + dir + '\n' + path.join(dir, 'sub'));
    const added = await fromRenderer('addUploads', { handles: reply.value!.map((f) => f.handle), destinationId: destination });
    expect(added.ok).toBe(true);
    await engine!.waitUntilFinished((added.value as TransferView[]).map((v) => v.id));
    const received = await Promise.all(receiver.received.map((r) => readFile(r.file, 'utf8')));
    expect(received.sort()).toEqual(['aaa', Buffer.alloc(2048, 7).toString('utf8'), 'odd name'].sort());
  });

  it('refuses before asking: another frame, a folder in the drop, a relative path, not a list, a second drop meanwhile', async () => {
    const file = path.join(dir, 'dropped.txt');
    await writeFile(file, 'dropped bytes');
    expect(await dropped([file], { parent: null, url: 'app://ferry/index.html' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await dropped([file, dir])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/only files/) } });
    expect(await dropped(['relative.txt'])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dropped(file)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dropped([{ toString: () => file }])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dropped(Array.from({ length: 1001 }, () => file))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(electron.messageBoxes).toEqual([]);
    // While one drop's question is open, another drop is refused rather than stacked on top of it.
    electron.dialogAnswers.push(0);
    const [first, second] = await Promise.all([dropped([file]), dropped([file])]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, error: { code: 'FAILED', message: expect.stringMatching(/still asking/) } });
    expect(electron.messageBoxes).toHaveLength(1);
    // A handle the main process never issued names nothing.
    const destination = await destinationId();
    expect(await fromRenderer('addUploads', { handles: ['0'.repeat(32)], destinationId: destination })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('"Ask before uploading dropped files" goes off only with a yes in a native dialog; on again without one', async () => {
    const key = await secretKey();
    expect(await fromRenderer('getSettings')).toMatchObject({ ok: true, value: { confirmDroppedFiles: true } });
    electron.dialogAnswers.push(1); // Keep asking
    expect(await fromRenderer('setSettings', { confirmDroppedFiles: false, maxActive: 5 })).toMatchObject({
      ok: false,
      error: { code: 'FAILED', message: expect.stringMatching(/still asks before uploading dropped files/) },
    });
    expect(electron.messageBoxes.at(-1)).toMatchObject({ message: 'Upload dropped files without asking?', buttons: ['Stop asking', 'Keep asking'], defaultId: 1 });
    expect(await fromRenderer('getSettings')).toMatchObject({ ok: true, value: { confirmDroppedFiles: true, maxActive: 3 } });
    electron.dialogAnswers.push(1); // The drop's own question is still asked: Cancel
    expect(await dropped([key])).toMatchObject({ ok: false });

    electron.dialogAnswers.push(0); // Stop asking
    expect(await fromRenderer('setSettings', { confirmDroppedFiles: false })).toMatchObject({ ok: true, value: { confirmDroppedFiles: false } });
    const asked = electron.messageBoxes.length;
    const reply = await dropped([key]);
    expect(reply).toMatchObject({ ok: true, value: [{ name: 'id_rsa', size: 11 }] });
    expect(electron.messageBoxes).toHaveLength(asked);
    // Asking again is always allowed, and takes no dialog.
    expect(await fromRenderer('setSettings', { confirmDroppedFiles: true })).toMatchObject({ ok: true, value: { confirmDroppedFiles: true } });
    expect(await fromRenderer('setSettings', { confirmDroppedFiles: true, maxActive: 4 })).toMatchObject({ ok: true });
    expect(electron.messageBoxes).toHaveLength(asked);
  });
});

describe('a command to run when the queue finishes', () => {
  it('is saved only with a yes in a native dialog that shows it; an unchanged one asks nothing', async () => {
    const command = { action: 'run-command', command: '/usr/bin/logger "queue done"' };
    electron.dialogAnswers.push(1); // Cancel
    expect(await fromRenderer('setSettings', { whenQueueFinishes: command })).toMatchObject({ ok: false, error: { code: 'FAILED', message: expect.stringMatching(/not confirmed/) } });
    expect(electron.messageBoxes.at(-1)).toMatchObject({ message: 'Run this command each time the queue finishes?', detail: expect.stringContaining('/usr/bin/logger "queue done"'), defaultId: 1 });
    expect(await fromRenderer('getSettings')).toMatchObject({ ok: true, value: { whenQueueFinishes: { action: 'notify' } } });
    electron.dialogAnswers.push(0); // Run it
    expect(await fromRenderer('setSettings', { whenQueueFinishes: command })).toMatchObject({ ok: true, value: { whenQueueFinishes: command } });
    const asked = electron.messageBoxes.length;
    expect(await fromRenderer('setSettings', { whenQueueFinishes: command, maxActive: 4 })).toMatchObject({ ok: true });
    expect(await fromRenderer('setSettings', { whenQueueFinishes: { action: 'sleep', command: command.command } })).toMatchObject({ ok: true });
    expect(electron.messageBoxes).toHaveLength(asked);
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
    const handle = await confirmedDrop(file);
    electron.dialogQuestions.length = 0; // the drop's question; openFile below must ask none
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
