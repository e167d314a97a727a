// Issue 18 item 17: a browser on the host's machine (a loopback connection) may open a finished
// download and show it in its folder, with the OS's own opener; a file that would run as a program
// is not opened; a browser elsewhere is refused both.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { connectUi, type UiClient } from '../../../test-support/headless-client';
import { desktopOpener } from '../kit/opening/desktop-open';
import { forOtherMachine, fromHostMachine } from './socket-bridge';
import { runHeadlessHost, type HeadlessHost } from './headless-host';

let dir: string;
let bin: string;
let opened: string;
let host: HeadlessHost;
let server: TestServer;
let ui: UiClient;
const savedPath = process.env.PATH;

beforeEach(async () => {
  dir = await makeTempDir('ferry-open-');
  // The OS's openers, as scripts that write down what they were asked (xdg-open, dbus-send).
  bin = path.join(dir, 'bin');
  opened = path.join(dir, 'opened.log');
  await mkdir(bin);
  for (const name of ['xdg-open', 'dbus-send']) {
    await writeFile(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${opened}'\n`);
    await chmod(path.join(bin, name), 0o755);
  }
  process.env.PATH = `${bin}:${savedPath}`;
  await mkdir(path.join(dir, 'renderer'));
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Ferry</title>');
  await mkdir(path.join(dir, 'downloads'));
  server = await startTestServer();
  server.route('/photo.jpg', { body: randomBytes(20_000, 1) });
  server.route('/setup.sh', { body: '#!/bin/sh\necho hi\n' });
  host = await runHeadlessHost({ port: 0, dataDir: path.join(dir, 'data'), rendererDir: path.join(dir, 'renderer'), print: () => {}, warn: () => {}, handleSignals: false });
  await host.service.handle('setSettings', { downloadDirectory: path.join(dir, 'downloads') });
  ui = await connectUi(host.port, host.token);
});

afterEach(async () => {
  process.env.PATH = savedPath;
  ui.close();
  await host.close();
  await server.close();
  await removeDir(dir);
});

async function downloaded(route: string): Promise<TransferView> {
  const added = await ui.call('addDownloads', { urls: [server.url(route)] });
  const id = (added.value as TransferView[])[0]!.id;
  let done: TransferView | undefined;
  await ui.waitFor(() => (done = host.service.snapshot().transfers.find((t) => t.id === id && t.state === 'completed')) !== undefined, 20_000);
  return done!;
}

const log = async () => (await readFile(opened, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

describe('open and show in folder from a browser on the host machine', () => {
  it('opens a finished download and shows it in its folder with the OS opener', async () => {
    const photo = await downloaded('/photo.jpg');
    expect(await ui.call('openFile', { id: photo.id })).toEqual({ ok: true, value: undefined });
    expect(await ui.call('showInFolder', { id: photo.id })).toEqual({ ok: true, value: undefined });
    const file = photo.download!.filePath!;
    // The openers run detached: wait for both lines, in whichever order they came.
    let lines: string[] = [];
    for (let i = 0; i < 200 && lines.length < 2; i++) {
      lines = await log();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(lines.sort()).toEqual([`dbus-send --session --print-reply --dest=org.freedesktop.FileManager1 /org/freedesktop/FileManager1 org.freedesktop.FileManager1.ShowItems array:string:file://${file} string:`, `xdg-open ${file}`]);
  });

  it('does not open a file that would run as a program', async () => {
    const script = await downloaded('/setup.sh');
    const r = (await ui.call('openFile', { id: script.id })) as { ok: false; error: { message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.message).toMatch(/Not opened: “\.sh” files can run programs/);
    expect(await log()).toEqual([]);
  });

  it('knows which connections come from this machine, and the opener says what is missing', async () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.3.2.1']) expect(fromHostMachine(a)).toBe(true);
    for (const a of ['192.168.1.20', '::ffff:10.0.0.2', 'fe80::1', undefined]) expect(fromHostMachine(a)).toBe(false);
    // A browser elsewhere gets the same service without Open and Show in folder.
    const photo = await downloaded('/photo.jpg');
    const remote = forOtherMachine(host.service);
    expect(await remote.handle('openFile', { id: photo.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await remote.handle('showInFolder', { id: photo.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await remote.handle('getSettings', undefined)).toMatchObject({ ok: true });
    expect(await log()).toEqual([]);
    const opener = desktopOpener('linux', async (command) => `${command} is not installed`);
    await expect(opener.showItemInFolder('/tmp/x.txt')).rejects.toThrow('xdg-open is not installed');
  });
});
