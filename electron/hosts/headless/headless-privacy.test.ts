// What other local users and the UI may see of the headless host's data folder: permissions on
// disk, URL passwords in views and logs, files set aside and the unencrypted-secrets notice.
import { chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from '../../../shared/contract';
import { SECRET_MASK } from '../../../shared/secret-mask';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { connectUi } from '../../../test-support/headless-client';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { runHeadlessHost, type HeadlessHost } from './headless-host';

let dir: string;
let dataDir: string;
let server: TestServer;
let host: HeadlessHost | undefined;
let logged: string[];

beforeEach(async () => {
  dir = await makeTempDir('ferry-privacy-');
  dataDir = path.join(dir, 'data');
  await mkdir(path.join(dir, 'renderer'));
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Ferry</title>');
  await mkdir(path.join(dir, 'downloads'));
  server = await startTestServer();
  logged = [];
});

afterEach(async () => {
  await host?.close();
  host = undefined;
  await server.close();
  await removeDir(dir);
});

async function start(): Promise<HeadlessHost> {
  host = await runHeadlessHost({ port: 0,
    dataDir,
    rendererDir: path.join(dir, 'renderer'),
    print: () => {},
    warn: (line) => logged.push(line),
    handleSignals: false,
  });
  await host.service.handle('setSettings', { downloadDirectory: path.join(dir, 'downloads') });
  return host;
}

/** Every folder and file under `root` with its permission bits. */
async function modes(root: string): Promise<{ entry: string; mode: number; dir: boolean }[]> {
  const out = [{ entry: '.', mode: (await lstat(root)).mode & 0o777, dir: true }];
  for (const name of await readdir(root, { recursive: true })) {
    // The record writer works in the background: a temp file listed a moment ago may be renamed by now.
    const facts = await lstat(path.join(root, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (facts) out.push({ entry: name, mode: facts.mode & 0o777, dir: facts.isDirectory() });
  }
  return out;
}

const secretInput = (name: string) => ({
  name,
  url: 'http://127.0.0.1:9/{filename}',
  method: 'PUT',
  protocol: 'raw',
  headers: [{ name: 'Authorization', value: 'Bearer tok', secret: true }],
  fieldName: 'file',
  fields: {},
});

describe('headless host privacy', () => {
  it('keeps the data folder 0700 and every file in it 0600, and shows URLs without their password', async () => {
    server.route('/file.bin', { body: randomBytes(300_000, 3) });
    const { port, token } = await start();
    const ui = await connectUi(port, token);
    expect((await ui.call('createDestination', secretInput('Share'))).ok).toBe(true);
    const withPassword = server.url('/file.bin').replace('http://', 'http://me:hunter2@');
    const added = await ui.call('addDownloads', { urls: [withPassword] });
    expect(added.ok).toBe(true);
    const [ok] = added.value as TransferView[];
    expect(ok!.url).toBe(withPassword.replace('hunter2', SECRET_MASK));
    await ui.waitFor(() => {
      const views = host!.service.snapshot().transfers;
      return views.length === 1 && views.every((v) => v.state === 'completed');
    });
    const snapshot = await ui.call('snapshot');
    const views = (snapshot.value as { transfers: TransferView[] }).transfers;
    expect(views.find((v) => v.id === ok!.id)).toMatchObject({ state: 'completed', url: ok!.url });
    // Nothing the UI received (snapshot, patches, replies), nor the host's log, holds the password.
    expect(ui.raw.some((m) => m.includes('"patches"'))).toBe(true);
    expect([...ui.raw, ...logged].join('\n')).not.toContain('hunter2');
    // The server did get the credentials: masking is for eyes, not for the request.
    expect(server.requestsFor('/file.bin')[0]?.headers.authorization).toBe(`Basic ${Buffer.from('me:hunter2').toString('base64')}`);
    ui.close();

    // The engine still has the real URL (it must send it), in files only their owner can read.
    const records = path.join(dataDir, 'transfers');
    // Records only: a writer's temp file listed a moment ago may be renamed by now.
    const recordFiles = (await readdir(records)).filter((f) => f.endsWith('.json'));
    const texts = await Promise.all(recordFiles.map((f) => readFile(path.join(records, f), 'utf8')));
    expect(texts.some((t) => t.includes('hunter2'))).toBe(true);
    const all = await modes(dataDir);
    expect(all.map((m) => m.entry)).toEqual(expect.arrayContaining(['.', 'transfers', 'secrets.json', 'settings.json', 'destinations.json']));
    for (const { entry, mode, dir: isDir } of all) expect({ entry, mode: mode.toString(8) }).toEqual({ entry, mode: isDir ? '700' : '600' });
  });

  it('tightens a data folder an older Ferry left readable to others, with everything in it', async () => {
    await mkdir(path.join(dataDir, 'transfers'), { recursive: true, mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(path.join(dataDir, 'transfers', 'old.json.corrupt-1'), 'x', { mode: 0o644 });
    await writeFile(path.join(dataDir, 'settings.json'), '{}', { mode: 0o644 });
    await start();
    for (const { entry, mode, dir: isDir } of await modes(dataDir)) {
      expect({ entry, mode: mode.toString(8) }).toEqual({ entry, mode: isDir ? '700' : '600' });
    }
  });

  it('sets unreadable secrets and invalid destinations aside and tells the log and the first UI', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'secrets.json'), '{"destination.a.authorization": {"enc"');
    await writeFile(path.join(dataDir, 'destinations.json'), JSON.stringify({ destinations: [{ id: 'broken' }] }));
    const { port, token } = await start();
    const names = await readdir(dataDir);
    expect(names.filter((n) => /^secrets\.json\.corrupt-\d+$/.test(n))).toHaveLength(1);
    expect(names.filter((n) => /^destinations\.json\.corrupt-\d+$/.test(n))).toHaveLength(1);
    expect(logged).toEqual([
      expect.stringMatching(/^ferry: secrets\.json is not valid JSON; a copy was kept as secrets\.json\.corrupt-\d+/),
      expect.stringMatching(/^ferry: destinations\.json has 1 invalid destination; a copy was kept/),
    ]);
    const ui = await connectUi(port, token);
    await ui.waitFor(() => ui.events.filter((e) => e.name === 'notice').length === 2);
    const later = await connectUi(port, token);
    await later.call('snapshot');
    expect(later.events.filter((e) => e.name === 'notice')).toEqual([]);
    ui.close();
    later.close();
  });

  it('says once, in the log and the UI, that secrets are stored without encryption', async () => {
    const { port, token } = await start();
    const ui = await connectUi(port, token);
    expect(logged).toEqual([]);
    expect((await ui.call('createDestination', secretInput('One'))).ok).toBe(true);
    expect((await ui.call('createDestination', secretInput('Two'))).ok).toBe(true);
    await ui.waitFor(() => ui.events.some((e) => e.name === 'notice'));
    const notices = ui.events.filter((e) => e.name === 'notice').map((e) => e.payload as Notice);
    expect(notices).toEqual([{ level: 'warn', message: expect.stringMatching(/stored without encryption \(the headless host has no OS keychain\)/) }]);
    expect(logged).toEqual([`ferry: ${notices[0]!.message}`]);
    ui.close();

    // At the next start the stored secrets are said at once, to the log and the first UI.
    await host!.close();
    logged = [];
    const again = await start();
    expect(logged).toEqual([expect.stringMatching(/stored without encryption/)]);
    const next = await connectUi(again.port, again.token);
    await next.waitFor(() => next.events.some((e) => e.name === 'notice'));
    next.close();
  });
});
