// `ferry get` through real proxies as a user runs it: a child process with a fresh HOME, proxies
// from the environment (curl's reading) or from aria2's options, tinyproxy and microsocks on
// 127.0.0.1. An https origin with a loopback certificate (trusted through NODE_EXTRA_CA_CERTS)
// makes tinyproxy tunnel with CONNECT.
import { readdir, readFile, stat } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { freePort } from '../../../test-support/ports';
import { proxiesMissing, startMicrosocks, startTinyproxy, type Microsocks, type Tinyproxy } from '../../../test-support/proxies';
import { loopbackCertificate } from '../../../test-support/tls-certificate';

const skip = proxiesMissing();
let plain: TestServer;
let secure: TestServer;
let tinyproxy: Tinyproxy;
let socks: Microsocks;
let certFile: string;
let tmp: string;
let home: string;

/** A clean environment: no proxy variable of the machine running the tests leaks in. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { HOME: home, XDG_DATA_HOME: undefined, NODE_EXTRA_CA_CERTS: certFile };
  for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY']) clean[name] = undefined;
  return { ...clean, ...extra };
}

describe.skipIf(skip)(`ferry get through proxies${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const tls = await loopbackCertificate();
    certFile = tls.certFile;
    [plain, secure] = await Promise.all([startTestServer(), startTestServer({ tls })]);
    [tinyproxy, socks] = await Promise.all([startTinyproxy({ user: 'alice', password: 'pw', connectPorts: [secure.port] }), startMicrosocks()]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), secure?.close(), tinyproxy?.stop(), socks?.stop()]);
  });
  beforeEach(async () => {
    tmp = await makeTempDir('ferry-cli-proxy-');
    home = path.join(tmp, 'home');
  });
  afterEach(async () => {
    await stopStartedFerries();
    await removeDir(tmp);
  });

  it('reads the environment as curl does: https_proxy tunnels every range with CONNECT, all_proxy, no_proxy, never HTTP_PROXY', async () => {
    const big = randomBytes(4 << 20, 1);
    const small = randomBytes(200_000, 2);
    secure.route('/seg.bin', { body: big, rateBytesPerSec: 2_000_000 });
    plain.route('/direct.bin', { body: small });
    plain.route('/socks.bin', { body: small });
    const dead = await freePort();
    const out = path.join(tmp, 'out');
    const result = await runFerry(
      ['get', secure.url('/seg.bin'), `http://localhost:${plain.port}/direct.bin`, plain.url('/socks.bin'), '--dir', out, '--connections', '4'],
      {
        env: env({
          https_proxy: tinyproxy.url,
          HTTP_PROXY: `http://127.0.0.1:${dead}`, // curl never reads it (httpoxy); neither does Ferry
          ALL_PROXY: socks.url('socks5h'),
          no_proxy: 'localhost',
        }),
        timeoutMs: 60_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(sha256(await readFile(path.join(out, 'seg.bin')))).toBe(sha256(big));
    expect(sha256(await readFile(path.join(out, 'direct.bin')))).toBe(sha256(small));
    expect(sha256(await readFile(path.join(out, 'socks.bin')))).toBe(sha256(small));

    const ranges = secure.requestsFor('/seg.bin');
    expect(ranges.filter((r) => /^bytes=\d+-\d+$/.test(String(r.headers.range))).length).toBeGreaterThanOrEqual(3);
    const tunnels = (await tinyproxy.log()).split('\n').filter((l) => l.includes(`CONNECT 127.0.0.1:${secure.port}`));
    expect(tunnels.length).toBeGreaterThanOrEqual(ranges.length);
    // all_proxy took the plain http URL (socks5h: the name travels to the proxy); no_proxy's host went direct.
    expect(socks.log()).toContain(`connected to 127.0.0.1:${plain.port}`);
    expect(socks.log()).not.toContain('localhost');
    expect(plain.requestsFor('/direct.bin')).toHaveLength(1);
    // The data folder is the fresh HOME's; the proxy's password was written nowhere in it.
    const dataDir = path.join(home, '.local', 'share', 'ferry');
    const files = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    expect(files.some((f) => f.parentPath.endsWith('transfers'))).toBe(true);
    for (const f of files) expect(await readFile(path.join(f.parentPath, f.name), 'utf8')).not.toContain('alice:pw');
  });

  it('--https-proxy beats https_proxy; wrong credentials end with exit 1 naming the proxy, the password masked', async () => {
    secure.route('/refused.bin', { body: randomBytes(10_000, 3) });
    const result = await runFerry(
      ['get', secure.url('/refused.bin'), '--dir', path.join(tmp, 'out'), '--https-proxy', `http://alice:hunter2@127.0.0.1:${tinyproxy.port}`],
      { env: env({ https_proxy: socks.url('socks5h') }) },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Proxy http://alice:•+@127\\.0\\.0\\.1:${tinyproxy.port} answered 401`));
    expect(result.stdout + result.stderr).not.toContain('hunter2');
    expect(secure.requestsFor('/refused.bin')).toHaveLength(0);
  });

  it('an https:// proxy: TLS to the proxy (a TLS front on tinyproxy), user:password inside it', async () => {
    const tls = await loopbackCertificate();
    const front = createTlsServer({ key: tls.key, cert: tls.cert }, (client) => {
      const upstream = connect(tinyproxy.port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const body = randomBytes(150_000, 4);
      plain.route('/tls-proxy.bin', { body });
      const port = (front.address() as AddressInfo).port;
      const out = path.join(tmp, 'out');
      const result = await runFerry(['get', plain.url('/tls-proxy.bin'), '--dir', out, '--all-proxy', `https://alice:pw@127.0.0.1:${port}`], { env: env({}) });
      expect(result.code, result.stderr).toBe(0);
      expect(sha256(await readFile(path.join(out, 'tls-proxy.bin')))).toBe(sha256(body));
      expect(await tinyproxy.log()).toContain(`GET ${plain.url('/tls-proxy.bin')} HTTP/1.1`);
    } finally {
      front.close();
    }
  });

  it("a -i list's own all-proxy: that entry goes through it (also when a rerun continues it), the next direct; no file holds the password", async () => {
    const proxied = randomBytes(2_000_000, 5);
    const direct = randomBytes(100_000, 6);
    plain.route('/listed-proxied.bin', { body: proxied, rateBytesPerSec: 400_000 });
    plain.route('/listed-direct.bin', { body: direct });
    const out = path.join(tmp, 'out');
    const list = `${plain.url('/listed-proxied.bin')}\n  all-proxy=http://alice:pw@127.0.0.1:${tinyproxy.port}\n  split=1\n${plain.url('/listed-direct.bin')}\n`;
    const args = ['get', '-i', '-', '--dir', out];
    // Killed half-way, then run again: the record names the password by reference; the rerun finds it.
    const first = startFerry(args, { env: env({}), input: list });
    await waitFor(async () => (first.assertRunning(), (await stat(path.join(out, 'listed-proxied.bin.part')).catch(() => undefined))?.size ?? 0) > 400_000, 20_000, 'half the file');
    first.process.kill('SIGKILL');
    await first.result;
    const result = await runFerry(args, { env: env({}), input: list });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/listed-proxied\.bin: continuing an earlier download/);
    expect(sha256(await readFile(path.join(out, 'listed-proxied.bin')))).toBe(sha256(proxied));
    expect(sha256(await readFile(path.join(out, 'listed-direct.bin')))).toBe(sha256(direct));
    const viaProxy = (await tinyproxy.log()).split('\n').filter((l) => l.includes(`GET ${plain.url('/listed-proxied.bin')}`));
    expect(viaProxy.length).toBeGreaterThanOrEqual(2); // the first run and the continuation
    expect(await tinyproxy.log()).not.toContain('listed-direct.bin');
    const dataDir = path.join(home, '.local', 'share', 'ferry');
    const files = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    for (const f of files) expect(await readFile(path.join(f.parentPath, f.name), 'utf8')).not.toContain('alice:pw');
  });

  it('an unusable proxy option is a usage error (exit 2) before anything starts', async () => {
    const result = await runFerry(['get', plain.url('/x'), '--all-proxy', 'gopher://p.test'], { env: env({}) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--all-proxy: Unsupported proxy scheme "gopher"/);
  });
});
