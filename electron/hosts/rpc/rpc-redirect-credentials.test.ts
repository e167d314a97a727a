// The security review's route, end to end: an aria2 client asks a running `ferry rpc` for a
// segmented download of a URL on origin A that redirects to origin B, with a Cookie and an
// Authorization for A. B must never see them, on any request; the file must still arrive whole;
// the transfer records never hold the values, and the secret store drops them once the download
// is complete or removed.
import Aria2 from 'aria2';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsText } from '../../../test-support/records-text';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { until } from '../../../test-support/wait';
import { runStandaloneRpc, type StandaloneRpc } from './standalone';

const SECRET = 'redirect-test-secret-0123';
const BODY = randomBytes(4 << 20, 17);
const HEADERS = ['Cookie: session=s3cr3t-cookie', 'Authorization: Bearer s3cr3t-token'];

describe('aria2.addUri with credentials and a redirect to another origin', () => {
  let a: TestServer;
  let b: TestServer;
  let ferry: StandaloneRpc;
  let client: Aria2;
  let dataDir: string;
  let downloads: string;

  const transfersText = () => recordsText(path.join(dataDir, 'transfers'));
  const secretsText = () => readFile(path.join(dataDir, 'secrets.json'), 'utf8').catch(() => '');
  const status = async (gid: string) => (await client.call('tellStatus', gid, ['status'])).status as string;

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
    a.route('/go', { redirect: b.url('/file.bin') });
    b.route('/file.bin', { body: BODY, rateBytesPerSec: 2_000_000 });
    dataDir = await makeTempDir('ferry-rpc-origin-data-');
    downloads = await makeTempDir('ferry-rpc-origin-dl-');
    // The download folder is the default one, so the call names no `dir`.
    await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ downloadDirectory: downloads }), { mode: 0o600 });
    ferry = await runStandaloneRpc({ dataDir, port: 0, secret: SECRET, handleSignals: false, print: () => {}, warn: () => {} });
    client = new Aria2({ host: '127.0.0.1', port: ferry.server.port, secret: SECRET });
  });
  afterAll(async () => {
    await ferry?.close();
    await a?.close();
    await b?.close();
    await removeDir(dataDir);
    await removeDir(downloads);
  });

  it('B never sees the Cookie or the Authorization, the file arrives byte-identical, and no value stays on disk', async () => {
    const gid: string = await client.call('addUri', [a.url('/go')], { split: '4', header: HEADERS, out: 'file.bin', pause: 'true' });
    expect(await transfersText()).not.toContain('s3cr3t');
    await client.call('unpause', gid);
    await until(async () => (await status(gid)) === 'complete', 'complete', 60_000);
    expect(sha256(await readFile(path.join(downloads, 'file.bin')))).toBe(sha256(BODY));

    expect(a.requestsFor('/go')[0]!.headers.cookie).toBe('session=s3cr3t-cookie');
    const atB = b.requestsFor('/file.bin');
    expect(atB.filter((r) => r.headers.range !== undefined).length).toBeGreaterThan(1);
    for (const r of atB) {
      expect(r.headers.cookie, `range ${r.headers.range}`).toBeUndefined();
      expect(r.headers.authorization, `range ${r.headers.range}`).toBeUndefined();
    }
    expect(await transfersText()).not.toContain('s3cr3t');
    await until(async () => !(await secretsText()).includes('s3cr3t'), 'the values gone from secrets.json');
  });

  it('a removed download leaves no value behind', async () => {
    const gid: string = await client.call('addUri', [a.url('/go')], { header: HEADERS, out: 'removed.bin', pause: 'true' });
    expect(await secretsText()).toContain('s3cr3t');
    await client.call('remove', gid);
    await until(async () => !(await secretsText()).includes('s3cr3t'), 'the values gone from secrets.json');
    expect(await transfersText().catch(() => '')).not.toContain('s3cr3t');
  });
});
