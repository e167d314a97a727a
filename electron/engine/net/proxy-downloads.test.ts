// Downloads through real proxies from Debian (tinyproxy for HTTP, microsocks for SOCKS5) started on
// 127.0.0.1, through the real engine and worker. Each test reads the proxy's own log to prove the
// traffic went through it, and the origin's request list to prove nothing went around it.
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyChoice } from '../../../shared/proxy';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { freePort } from '../../../test-support/ports';
import { proxiesMissing, startMicrosocks, startTinyproxy, type Microsocks, type Tinyproxy } from '../../../test-support/proxies';
import { createDownloadWorker } from '../download/download-worker';
import { TransferEngine, type EngineSettings } from '../engine';
import { MemorySecretsProvider } from '../secrets';
import type { DownloadRequest } from '../types';
import { withPasswordRef } from './proxy-secret';

const skip = proxiesMissing();
let server: TestServer;
let tinyproxy: Tinyproxy;
let authedTinyproxy: Tinyproxy;
let socks: Microsocks;
let authedSocks: Microsocks;
let tmp: string;
let dir: string;
let engine: TransferEngine;
let counter = 0;
const secrets = new MemorySecretsProvider();

async function openEngine(settings: Partial<EngineSettings>): Promise<void> {
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 256 * 1024 }) },
    settings: { stallTimeoutMs: 5000, retryBaseMs: 50, retryMaxMs: 200, maxRetries: 1, ...settings },
    network: { secrets },
  });
}

function manual(all: string, noProxy?: string): ProxyChoice {
  return { mode: 'manual', all, ...(noProxy !== undefined ? { noProxy } : {}) };
}

async function download(req: Partial<DownloadRequest> & { url: string }): Promise<TransferView> {
  const view = await engine.addDownload({ directory: dir, ...req });
  const [done] = await engine.waitUntilFinished([view.id]);
  return done!;
}

function served(bytes: Buffer, rateBytesPerSec?: number): string {
  const p = `/p${++counter}/file.bin`;
  server.route(p, { body: bytes, ...(rateBytesPerSec ? { rateBytesPerSec } : {}) });
  return p;
}

/** microsocks' log lines for connections to the test server. */
function socksConnections(proxy: Microsocks, host = `127.0.0.1:${server.port}`): number {
  return proxy.log().split('\n').filter((line) => line.includes(`connected to ${host}`)).length;
}

describe.skipIf(skip)(`downloads through real proxies${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    server = await startTestServer();
    [tinyproxy, authedTinyproxy, socks, authedSocks] = await Promise.all([
      startTinyproxy(),
      startTinyproxy({ user: 'alice', password: 'wonder-land' }),
      startMicrosocks(),
      startMicrosocks({ user: 'bob', password: 's3cret' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), tinyproxy?.stop(), authedTinyproxy?.stop(), socks?.stop(), authedSocks?.stop()]);
  });
  beforeEach(async () => {
    tmp = await makeTempDir('ferry-proxy-');
    dir = path.join(tmp, 'downloads');
    await mkdir(dir);
  });
  afterEach(async () => {
    await engine?.close();
    await removeDir(tmp);
  });

  it('an HTTP proxy with user:password forwards the request (tinyproxy logs it, the server sees its Via)', async () => {
    await openEngine({ proxy: manual(authedTinyproxy.url) });
    const bytes = randomBytes(600_000, 1);
    const p = served(bytes);
    const view = await download({ url: server.url(p) });
    expect(view.state).toBe('completed');
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
    expect(await authedTinyproxy.log()).toContain(`GET ${server.url(p)} HTTP/1.1`);
    expect(server.requestsFor(p).map((r) => r.headers.via)).toEqual([expect.stringMatching(/tinyproxy/)]);
  });

  it('a segmented download sends every range connection through SOCKS5 with user:password', async () => {
    await openEngine({ proxy: manual(authedSocks.url('socks5')) });
    const bytes = randomBytes(4 << 20, 2);
    const p = served(bytes, 2_000_000);
    const view = await download({ url: server.url(p), connections: 4 });
    expect(sha256(await readFile(view.download!.filePath!))).toBe(sha256(bytes));
    const requests = server.requestsFor(p);
    expect(requests.filter((r) => /^bytes=\d+-\d+$/.test(String(r.headers.range))).length).toBeGreaterThanOrEqual(3);
    // One connection per request (the proxy agent keeps none alive), each one in microsocks' log.
    expect(socksConnections(authedSocks)).toBeGreaterThanOrEqual(requests.length);
  });

  it('socks5h leaves the name to the proxy; socks5 resolves it here', async () => {
    await openEngine({ proxy: manual(socks.url('socks5h')) });
    const bytes = randomBytes(100_000, 3);
    const p = served(bytes);
    const url = `http://localhost:${server.port}${p}`;
    expect((await download({ url })).state).toBe('completed');
    expect(socksConnections(socks, `localhost:${server.port}`)).toBe(1);
    const before = socksConnections(socks);
    await engine.updateSettings({ proxy: manual(socks.url('socks5')) });
    const second = await download({ url, fileName: 'second.bin' });
    expect(sha256(await readFile(second.download!.filePath!))).toBe(sha256(bytes));
    expect(socksConnections(socks)).toBe(before + 1);
    expect(socksConnections(socks, `localhost:${server.port}`)).toBe(1);
  });

  it('no_proxy hosts go direct; a per-transfer choice beats the setting, its password a secret reference', async () => {
    await openEngine({ proxy: manual(tinyproxy.url, `localhost,127.0.0.1:${server.port}`) });
    const bytes = randomBytes(50_000, 4);
    const direct = served(bytes);
    expect((await download({ url: server.url(direct) })).state).toBe('completed');
    expect(server.requestsFor(direct)[0]!.headers.via).toBeUndefined();
    expect(await tinyproxy.log()).not.toContain(direct);

    secrets.set('proxy.t1', 's3cret');
    const own = served(bytes);
    const through: ProxyChoice = { mode: 'manual', all: withPasswordRef(`socks5h://bob:x@127.0.0.1:${authedSocks.port}`, 'proxy.t1') };
    const before = socksConnections(authedSocks);
    expect((await download({ url: server.url(own), proxy: through })).state).toBe('completed');
    expect(socksConnections(authedSocks)).toBe(before + 1);
    expect([...engine.secretRefsInUse()]).toContain('proxy.t1');
    // A password in clear never enters a record.
    await expect(engine.addDownload({ url: server.url(own), directory: dir, proxy: manual(`http://me:clear@127.0.0.1:${tinyproxy.port}`) })).rejects.toThrow(
      /must be stored as a secret/,
    );
  });

  it('a proxy that is down fails within seconds naming it (password masked); the server sees nothing', async () => {
    const dead = await freePort();
    await openEngine({ proxy: manual(`http://carol:topsecret@127.0.0.1:${dead}`) });
    const p = served(randomBytes(10_000, 5));
    const started = Date.now();
    const view = await download({ url: server.url(p) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(view.state).toBe('failed');
    expect(view.error).toMatchObject({ code: 'PROXY', retryable: true });
    expect(view.error!.message).toMatch(new RegExp(`Proxy http://carol:•+@127\\.0\\.0\\.1:${dead} refused the connection`));
    expect(JSON.stringify(view)).not.toContain('topsecret');
    expect(server.requestsFor(p)).toHaveLength(0);
  });

  it('a SOCKS proxy that is down: the same clear error, no direct connection', async () => {
    const dead = await freePort();
    await openEngine({ proxy: manual(`socks5h://127.0.0.1:${dead}`) });
    const p = served(randomBytes(10_000, 6));
    const view = await download({ url: server.url(p) });
    expect(view.error).toMatchObject({ code: 'PROXY', retryable: true });
    expect(view.error!.message).toContain(`Proxy socks5h://127.0.0.1:${dead} refused the connection`);
    expect(server.requestsFor(p)).toHaveLength(0);
  });

  it('407 from the HTTP proxy fails at once, saying whether credentials were sent', async () => {
    await openEngine({ proxy: manual(`http://127.0.0.1:${authedTinyproxy.port}`) });
    const p = served(randomBytes(10_000, 7));
    const missing = await download({ url: server.url(p) });
    expect(missing.error).toMatchObject({ code: 'PROXY', status: 407, retryable: false });
    expect(missing.error!.message).toMatch(/answered 407 .*wants a user name and password/);
    expect(missing.attempt).toBe(1);

    // tinyproxy answers wrong credentials with 401 (not 407); on a forwarded request that cannot be
    // told from the server's own 401, but a refused CONNECT (an https URL) is the proxy's for sure.
    // The CONNECT is refused before any TLS, so the plain test server stands in for the https one.
    await engine.updateSettings({ proxy: manual(`http://alice:wrong@127.0.0.1:${authedTinyproxy.port}`) });
    const wrong = await download({ url: `https://127.0.0.1:${server.port}${p}`, fileName: 'again.bin' });
    expect(wrong.error).toMatchObject({ code: 'PROXY', status: 401, retryable: false });
    expect(wrong.error!.message).toMatch(new RegExp(`Proxy http://alice:•+@127\\.0\\.0\\.1:${authedTinyproxy.port} answered 401 Unauthorized`));
    expect(await authedTinyproxy.log()).toContain(`CONNECT 127.0.0.1:${server.port}`);
    expect(server.requestsFor(p)).toHaveLength(0);
  });

  it('wrong SOCKS5 credentials fail at once, naming the proxy', async () => {
    await openEngine({ proxy: manual(`socks5://bob:nope@127.0.0.1:${authedSocks.port}`) });
    const p = served(randomBytes(10_000, 8));
    const view = await download({ url: server.url(p) });
    expect(view.error).toMatchObject({ code: 'PROXY', retryable: false });
    expect(view.error!.message).toMatch(/Proxy socks5:\/\/bob:•+@127\.0\.0\.1:\d+ refused the user name and password/);
    expect(server.requestsFor(p)).toHaveLength(0);
  });

  it('a proxy that takes the connection and never answers is an error within the stall bound, not a hang', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      await openEngine({ stallTimeoutMs: 1000, maxRetries: 0, proxy: manual(`http://127.0.0.1:${port}`) });
      const p = served(randomBytes(10_000, 9));
      const view = await download({ url: `https://127.0.0.1:${server.port}${p}` });
      expect(view.error).toMatchObject({ code: 'PROXY', retryable: true });
      expect(view.error!.message).toMatch(new RegExp(`^Proxy http://127\\.0\\.0\\.1:${port} did not answer within 1\\.0 s`));
      expect(server.requestsFor(p)).toHaveLength(0);
    } finally {
      silent.close();
    }
  });
});
