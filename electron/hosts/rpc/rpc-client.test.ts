// The npm `aria2` client drives Ferry through whole downloads over HTTP POST, with the addUri
// options aria2 clients send; the files and the requests the server saw are checked.
import Aria2 from 'aria2';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { seedSettings } from '../../../test-support/rpc-host';
import { runStandaloneRpc, type StandaloneRpc } from './standalone';

const SECRET = 'client-test-secret-0123';
const BODY = randomBytes(700_000, 7);

describe('the npm aria2 client drives Ferry', () => {
  let server: TestServer;
  let ferry: StandaloneRpc;
  let client: Aria2;
  let dataDir: string;
  let downloads: string;

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/file.bin', { body: BODY });
    server.route('/again.bin', { body: BODY });
    dataDir = await makeTempDir('ferry-rpc-data-');
    downloads = await makeTempDir('ferry-rpc-dl-');
    // Clients may name folders inside the download folder or listed in Settings only.
    seedSettings(dataDir, { rpcSaveFolders: [downloads] });
    ferry = await runStandaloneRpc({ dataDir, port: 0, secret: SECRET, handleSignals: false, print: () => {} });
    client = new Aria2({ host: '127.0.0.1', port: ferry.server.port, secret: SECRET });
  });
  afterAll(async () => {
    await ferry?.close();
    await server?.close();
    await removeDir(dataDir);
    await removeDir(downloads);
  });

  it('honours a GID the client chose (the browser extension\'s idempotency key): a second add with it is refused, one download stays', async () => {
    const gid = 'f00dfeed00c0ffee';
    expect(await client.call('addUri', [server.url('/again.bin') + '?chosen'], { dir: downloads, out: 'chosen.bin', gid, pause: 'true' })).toBe(gid);
    await expect(client.call('addUri', [server.url('/again.bin') + '?chosen'], { dir: downloads, gid: gid.toUpperCase() })).rejects.toThrow(`GID ${gid} is not unique`);
    await expect(client.call('addUri', [server.url('/again.bin')], { gid: '0000000000000000' })).rejects.toThrow(/16 hex digits/);
    expect(await client.call('tellStatus', gid, ['gid', 'status'])).toEqual({ gid, status: 'paused' });
    const waiting: { gid: string }[] = await client.call('tellWaiting', 0, 100, ['gid']);
    expect(waiting.filter((d) => d.gid === gid)).toHaveLength(1);
    await client.call('remove', gid);
  });

  it('downloads a file with the options aria2 clients send, to the end, checksum verified', async () => {
    const gid: string = await client.call('addUri', [server.url('/file.bin')], {
      dir: downloads,
      out: 'renamed.bin',
      header: ['X-Token: abc', 'Accept-Language: fr'],
      referer: 'http://127.0.0.1/page.html',
      'user-agent': 'AriaNg/1.3',
      split: '8',
      'max-connection-per-server': '4',
      'max-download-limit': '2M',
      checksum: `sha-256=${sha256(BODY)}`,
    });
    expect(gid).toMatch(/^[0-9a-f]{16}$/);
    await until(async () => (await client.call('tellStatus', gid, ['status'])).status === 'complete', 'complete');

    expect(sha256(await readFile(path.join(downloads, 'renamed.bin')))).toBe(sha256(BODY));
    const status = await client.call('tellStatus', gid);
    expect(status).toMatchObject({ status: 'complete', totalLength: String(BODY.length), completedLength: String(BODY.length), errorCode: '0' });
    expect(status.files[0].path).toBe(path.join(downloads, 'renamed.bin'));
    const seen = server.requestsFor('/file.bin')[0]!.headers;
    expect(seen).toMatchObject({ 'x-token': 'abc', 'accept-language': 'fr', referer: 'http://127.0.0.1/page.html', 'user-agent': 'AriaNg/1.3' });
    // Connections are kept for segmented downloads (split wins when larger); the limit is the download's own.
    expect(await client.call('getOption', gid)).toMatchObject({ split: '8', 'max-download-limit': String(2 * 1024 * 1024), out: 'renamed.bin' });
    // ...and in the saved record, where segmented downloads will find it.
    const records = await Promise.all((await readdir(path.join(dataDir, 'transfers'))).filter((f) => f.endsWith('.json')).map((f) => readFile(path.join(dataDir, 'transfers', f), 'utf8')));
    expect(records.map((text) => JSON.parse(text)).find((r) => r.transfer.name === 'renamed.bin')?.request.download.connections).toBe(8);
  });

  it('answers with URL passwords masked, as every other road to the engine does', async () => {
    const secretUrl = server.url('/again.bin').replace('http://', 'http://me:hunter2@');
    const gid: string = await client.call('addUri', [secretUrl], { dir: downloads, out: 'masked.bin', pause: 'true' });
    const answers = JSON.stringify([await client.call('tellStatus', gid), await client.call('getUris', gid), await client.call('tellWaiting', 0, 100)]);
    expect(answers).not.toContain('hunter2');
    expect(await client.call('getUris', gid)).toEqual([{ uri: secretUrl.replace('hunter2', '••••••••'), status: 'waiting' }]);
    await client.call('remove', gid);
  });

  it('adds paused without connecting, then unpauses to completion', async () => {
    const gid: string = await client.call('addUri', [server.url('/again.bin')], { dir: downloads, pause: 'true' });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requestsFor('/again.bin')).toHaveLength(0);
    expect((await client.call('tellStatus', gid, ['status'])).status).toBe('paused');
    // No split given: the settings' count (16) as a default, which the ramp judges, not a count asked for.
    expect(await client.call('getOption', gid)).toMatchObject({ split: '16', 'max-connection-per-server': '16' });
    expect(await client.call('getGlobalOption')).toMatchObject({ split: '16', 'max-connection-per-server': '16' });
    const records = await Promise.all((await readdir(path.join(dataDir, 'transfers'))).filter((f) => f.endsWith('.json')).map((f) => readFile(path.join(dataDir, 'transfers', f), 'utf8')));
    const request = records.map((text) => JSON.parse(text)).find((r) => r.view.url === server.url('/again.bin'))?.request.download;
    expect(request).toMatchObject({ connections: 16, connectionsByDefault: true });
    await client.call('unpause', gid);
    await until(async () => (await client.call('tellStatus', gid, ['status'])).status === 'complete', 'complete');
    expect(sha256(await readFile(path.join(downloads, 'again.bin')))).toBe(sha256(BODY));
  });

  it('refuses bad options with a clear error and adds nothing', async () => {
    const before = (await client.call('tellStopped', 0, 100)).length + (await client.call('tellWaiting', 0, 100)).length;
    for (const options of [{ checksum: 'md5=abc' }, { 'max-download-limit': 'fast' }, { out: '../escape.bin' }, { header: 'no colon' }]) {
      await expect(client.call('addUri', [server.url('/file.bin')], { dir: downloads, ...options })).rejects.toMatchObject({ code: 1 });
    }
    await expect(client.call('addUri', ['ftp://127.0.0.1/x'], { dir: downloads })).rejects.toThrow(/http and https/);
    await expect(client.call('addTorrent', 'eA==')).rejects.toThrow(/does not download torrents/);
    const after = (await client.call('tellStopped', 0, 100)).length + (await client.call('tellWaiting', 0, 100)).length;
    expect(after).toBe(before);
  });

  it('answers getPeers/getServers with [] and keeps the session saved', async () => {
    const [gid] = (await client.call('tellStopped', 0, 1, ['gid'])).map((s: { gid: string }) => s.gid);
    expect(await client.call('getPeers', gid)).toEqual([]);
    expect(await client.call('getServers', gid)).toEqual([]);
    // Named difference: aria2c without --save-session refuses saveSession; Ferry's records are always saved.
    expect(await client.call('saveSession')).toBe('OK');
  });
});
