// Issue 15, finding 2: RPC callers save only into the download folder (and its subfolders) and the
// folders listed in Settings; anything else is an aria2-style error and nothing is written: no
// download, no folder, no .part. Against a real RPC server, a real engine and real folders.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';
import { until } from '../../../../test-support/wait';

const BODY = randomBytes(50_000, 3);

describe('folders RPC callers may save into', () => {
  let files: TestServer;
  let host: RpcHost;
  let media: string;

  beforeAll(async () => {
    files = await startTestServer();
    files.route('/payload', { body: BODY });
    host = await startRpcHost();
    media = path.join(host.home, 'Media');
    await mkdir(media);
    await mkdir(path.join(host.home, '.ssh'));
  });
  afterAll(async () => {
    await host?.close();
    await files?.close();
  });

  const add = (options: Record<string, string>) => host.call('aria2.addUri', [[files.url('/payload')], options]);

  it('refuses folders outside the allowlist, however spelt, and writes nothing there', async () => {
    const { home, downloads } = host;
    await symlink(path.join(home, '.ssh'), path.join(downloads, 'keys'));
    const outside = [
      path.join(home, '.ssh'),
      path.join(home, '.config', 'systemd', 'user'),
      path.join(home, '.config', 'environment.d'),
      path.join(home, '.config', 'git'),
      path.join(home, '.local', 'share', 'applications'),
      `${downloads}/../.ssh`,
      path.join(downloads, 'keys'), // a symlink out of the download folder
      path.join(downloads, 'keys', 'deeper'),
      `${downloads}-other`,
    ];
    for (const dir of outside) {
      const answer = await add({ dir, out: 'authorized_keys' });
      expect(answer.error, dir).toEqual({ code: 1, message: expect.stringMatching(/does not save into .* only into the download folder/) });
    }
    // Refused before the add: no download exists that could still write.
    expect(host.engine.list()).toEqual([]);
    expect(await readdir(path.join(home, '.ssh'))).toEqual([]);
    for (const made of ['.config', '.local']) expect(existsSync(path.join(home, made)), made).toBe(false);
  });

  it('refuses UNC paths and names that leave the folder, before anything is added', async () => {
    for (const dir of ['\\\\attacker.example\\share', '\\\\?\\UNC\\attacker.example\\share']) {
      expect((await add({ dir, pause: 'true' })).error?.message, dir).toMatch(/UNC/);
    }
    for (const out of ['..', '.', 'C:evil', 'a:stream']) {
      expect((await add({ out, pause: 'true' })).error?.message, out).toMatch(/--out.*is not a file name/);
    }
    expect(host.engine.list()).toEqual([]);
    const held = (await add({ pause: 'true' })).result as string;
    expect((await host.call('aria2.changeOption', [held, { out: '../../.ssh/authorized_keys' }])).error?.message).toMatch(/--out.*is not a file name/);
    await host.call('aria2.remove', [held]);
  });

  it('saves into the download folder, a new subfolder of it, and a folder listed in Settings', async () => {
    const listed = await startRpcHost({ settings: { rpcSaveFolders: [media] } });
    try {
      const sub = path.join(listed.downloads, 'music', 'new');
      const targets = [listed.downloads, sub, path.join(media, 'films')];
      for (const dir of targets) {
        const answer = await listed.call('aria2.addUri', [[files.url('/payload')], { dir, out: 'got.bin' }]);
        expect(answer.result, `${dir}: ${JSON.stringify(answer.error)}`).toMatch(/^[0-9a-f]{16}$/);
      }
      await until(() => listed.engine.list().filter((v) => v.state === 'completed').length === 3);
      for (const dir of targets) expect(await readFile(path.join(dir, 'got.bin'))).toEqual(BODY);
      // Another host without the listed folder refuses it.
      expect((await add({ dir: media })).error?.message).toMatch(/does not save into/);
    } finally {
      await listed.close();
    }
  });

  it('moves the download folder (changeGlobalOption dir) only within the allowlist', async () => {
    const before = host.settings().downloadDirectory;
    expect((await host.call('aria2.changeGlobalOption', [{ dir: path.join(host.home, '.ssh') }])).error?.message).toMatch(/does not save into/);
    expect((await host.call('aria2.changeGlobalOption', [{ dir: `${before}/../.config/autostart` }])).error?.message).toMatch(/does not save into/);
    expect(host.settings().downloadDirectory).toBe(before);
    expect((await host.call('aria2.changeGlobalOption', [{ dir: path.join(before, 'sorted') }])).result).toBe('OK');
    expect(host.settings().downloadDirectory).toBe(path.join(before, 'sorted'));
  });

  it("never changes the RPC's own rules: aria2's option names for them are ignored, other keys refused", async () => {
    const answer = await host.call('aria2.changeGlobalOption', [{ 'rpc-allow-origin-all': 'true', 'rpc-save-folders': '/', 'rpc-listen-port': '7000', 'enable-rpc': 'false' }]);
    expect(answer.result).toBe('OK'); // aria2 ignores options it does not take at run time too
    expect(host.settings()).toMatchObject({ rpcAllowAnyOrigin: false, rpcSaveFolders: [], rpcAllowedOrigins: [], rpcPort: 6800, rpcEnabled: true });
    expect(host.patches.flatMap((p) => Object.keys(p)).filter((k) => k.startsWith('rpc'))).toEqual([]);
    // And the service refuses such keys from any client outright, should any path produce them.
    const asClient = (patch: Record<string, unknown>) => host.service.handle('setSettings', patch, 'client');
    expect(await asClient({ rpcAllowAnyOrigin: true })).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: "rpcAllowAnyOrigin can only be changed in Ferry's own settings" } });
    expect(await asClient({ maxActive: 4, rpcSaveFolders: ['/'] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/rpcSaveFolders/) } });
    expect(host.settings()).toMatchObject({ rpcAllowAnyOrigin: false, rpcSaveFolders: [], maxActive: 3 });
  });
});
