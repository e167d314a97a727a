// aria2's proxy options through the RPC, driven by the npm aria2 client against `ferry rpc`'s
// host, with real proxies from Debian: the global all-proxy (password kept in the secret store,
// shown masked) and a download's own all-proxy; the proxies' logs show the traffic.
import Aria2 from 'aria2';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { proxiesMissing, startMicrosocks, startTinyproxy, type Microsocks, type Tinyproxy } from '../../../test-support/proxies';
import { until } from '../../../test-support/wait';
import { runStandaloneRpc, type StandaloneRpc } from './standalone';
import { seedSettings } from '../../../test-support/rpc-host';

const SECRET = 'proxy-test-secret-0123';
const BODY = randomBytes(300_000, 9);
const skip = proxiesMissing();

describe.skipIf(skip)(`aria2 proxy options${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let server: TestServer;
  let tinyproxy: Tinyproxy;
  let socks: Microsocks;
  let ferry: StandaloneRpc;
  let client: Aria2;
  let dataDir: string;
  let downloads: string;

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/file.bin', { body: BODY });
    [tinyproxy, socks] = await Promise.all([startTinyproxy({ user: 'alice', password: 'rpc-secret-pw' }), startMicrosocks()]);
    dataDir = await makeTempDir('ferry-rpc-proxy-');
    downloads = await makeTempDir('ferry-rpc-proxy-dl-');
    // The user's own choice, as RPC callers may save only where Settings allow.
    seedSettings(dataDir, { rpcSaveFolders: [downloads] });
    ferry = await runStandaloneRpc({ dataDir, port: 0, secret: SECRET, handleSignals: false, print: () => {} });
    client = new Aria2({ host: '127.0.0.1', port: ferry.server.port, secret: SECRET });
  });
  afterAll(async () => {
    await ferry?.close();
    await Promise.all([server?.close(), tinyproxy?.stop(), socks?.stop()]);
    await removeDir(dataDir);
    await removeDir(downloads);
  });

  async function finished(gid: string): Promise<{ status: string; errorMessage?: string }> {
    let status: { status: string; errorMessage?: string } = { status: '' };
    await until(async () => {
      status = await client.call('tellStatus', gid, ['status', 'errorMessage']);
      return status.status === 'complete' || status.status === 'error';
    }, `download ${gid}`);
    return status;
  }

  it('changeGlobalOption all-proxy: kept with its password in the secret store, shown masked, used by downloads', async () => {
    expect(await client.call('changeGlobalOption', { 'all-proxy': tinyproxy.url, 'no-proxy': 'example.invalid' })).toBe('OK');
    const global: Record<string, string> = await client.call('getGlobalOption');
    expect(global['all-proxy']).toBe(`http://alice:••••••••@127.0.0.1:${tinyproxy.port}`);
    expect(global['no-proxy']).toBe('example.invalid');
    expect(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).not.toContain('rpc-secret-pw');
    // Changing only no-proxy keeps the proxy and its password.
    expect(await client.call('changeGlobalOption', { 'no-proxy': 'other.invalid' })).toBe('OK');

    const gid: string = await client.call('addUri', [server.url('/file.bin?via=global')], { dir: downloads, out: 'global.bin' });
    expect(await finished(gid)).toMatchObject({ status: 'complete' });
    expect(sha256(await readFile(path.join(downloads, 'global.bin')))).toBe(sha256(BODY));
    expect(await tinyproxy.log()).toContain('via=global');
  });

  it("addUri's own all-proxy beats the global one; one with a password is refused; changeOption changes it", async () => {
    const gid: string = await client.call('addUri', [server.url('/file.bin?via=own')], { dir: downloads, out: 'own.bin', 'all-proxy': socks.url('socks5h') });
    expect(await finished(gid)).toMatchObject({ status: 'complete' });
    expect(socks.log()).toContain(`connected to 127.0.0.1:${server.port}`);
    expect(await tinyproxy.log()).not.toContain('via=own');
    expect(((await client.call('getOption', gid)) as Record<string, string>)['all-proxy']).toBe(socks.url('socks5h'));

    await expect(client.call('addUri', [server.url('/file.bin')], { 'all-proxy': 'http://u:pw@127.0.0.1:1' })).rejects.toThrow(/not kept over the RPC/);
    await expect(client.call('addUri', [server.url('/file.bin')], { 'all-proxy': 'gopher://x' })).rejects.toThrow(/--all-proxy/);

    const paused: string = await client.call('addUri', [server.url('/file.bin?via=changed')], { dir: downloads, out: 'changed.bin', pause: 'true' });
    expect(await client.call('changeOption', paused, { 'all-proxy': '' })).toBe('OK');
    expect(((await client.call('getOption', paused)) as Record<string, string>)['all-proxy']).toBe('');
    await client.call('unpause', paused);
    expect(await finished(paused)).toMatchObject({ status: 'complete' });
    expect(await tinyproxy.log()).not.toContain('via=changed');
    expect(server.requestsFor('/file.bin').find((r) => r.query.includes('via=changed'))?.headers.via).toBeUndefined();
  });
});
