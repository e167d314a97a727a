// Issue 18 item 6: a folder typed as `~/…` is the home folder of the user the host runs as (the host
// expands it; a browser may be on another machine), and a folder that is no full path is refused
// in words a person reads, naming the field it is about so the UI can say it next to that field.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { connectUi } from '../../../test-support/headless-client';
import { runHeadlessHost, type HeadlessHost } from './headless-host';

let dir: string;
let home: string;
let host: HeadlessHost;
let server: TestServer;
const savedHome = process.env.HOME;
const body = randomBytes(50_000, 5);

beforeEach(async () => {
  dir = await makeTempDir('ferry-folder-words-');
  home = path.join(dir, 'home');
  await mkdir(home);
  process.env.HOME = home; // os.homedir() reads it on POSIX
  await mkdir(path.join(dir, 'renderer'));
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Ferry</title>');
  server = await startTestServer();
  server.route('/notes.txt', { body });
  host = await runHeadlessHost({ port: 0, dataDir: path.join(dir, 'data'), rendererDir: path.join(dir, 'renderer'), print: () => {}, warn: () => {}, handleSignals: false });
});

afterEach(async () => {
  process.env.HOME = savedHome;
  await host.close();
  await server.close();
  await removeDir(dir);
});

describe('folders as people type them', () => {
  it('~/Documents saves into the home folder of the host’s user', async () => {
    const ui = await connectUi(host.port, host.token);
    const r = await ui.call('addDownloads', { urls: [server.url('/notes.txt')], directory: '~/Documents' });
    expect(r.ok).toBe(true);
    const [view] = r.value as TransferView[];
    expect(view!.download!.directory).toBe(path.join(home, 'Documents'));
    await ui.waitFor(() => ui.events.some((e) => e.name === 'patches' && (e.payload as { view?: TransferView }[]).some((p) => p.view?.state === 'completed')), 20_000);
    expect(await readFile(path.join(home, 'Documents', 'notes.txt'))).toEqual(body);
    ui.close();
  });

  it('~ in Settings becomes the home folder; a relative folder is refused in words, naming the field', async () => {
    const ui = await connectUi(host.port, host.token);
    const set = await ui.call('setSettings', { downloadDirectory: '~' });
    expect(set.ok).toBe(true);
    expect((set.value as Settings).downloadDirectory).toBe(home);

    const bad = (await ui.call('setSettings', { downloadDirectory: 'Documents' })) as { ok: false; error: { message: string; field?: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.field).toBe('downloadDirectory');
    expect(bad.error.message).toMatch(/Type a full folder path, such as \/home\/you\/Downloads/);
    const add = (await ui.call('addDownloads', { urls: [server.url('/notes.txt')], directory: 'Documents' })) as { ok: false; error: { field?: string } };
    expect(add.error.field).toBe('directory');
    // Expanded first, so the folder policy sees where ~ leads: the autostart folder stays refused.
    const autostart = (await ui.call('addDownloads', { urls: [server.url('/notes.txt')], directory: '~/.config/autostart' })) as { ok: false; error: { message: string; field?: string } };
    expect(autostart.ok).toBe(false);
    expect(autostart.error.field).toBe('directory');
    ui.close();
  });
});
