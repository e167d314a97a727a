// The proxy setting and per-transfer proxies through the host's service (as `ferry serve` and
// `ferry rpc` open it, kit/host/open-host.ts): passwords go to secrets.json, never to settings.json or a record; every
// view shows the mask; the mask sent back keeps the password only for the same proxy; transfers
// really go through the proxies (tinyproxy's and microsocks' logs).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isFinished, type TransferView } from '../../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { freePort } from '../../../../test-support/ports';
import { proxiesMissing, startMicrosocks, startTinyproxy, type Microsocks, type Tinyproxy } from '../../../../test-support/proxies';
import { until } from '../../../../test-support/wait';
import { openHost, type Host } from '../host/open-host';

const skip = proxiesMissing();
let server: TestServer;
let tinyproxy: Tinyproxy;
let socks: Microsocks;
let tmp: string;
let host: Host;

async function call<T>(name: string, input: unknown): Promise<T> {
  const reply = await host.service.handle(name, input, 'owner');
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as T;
}

/** The transfer once it completed, failed or was canceled, as the service shows it. */
async function finished(id: string): Promise<TransferView> {
  await until(() => isFinished(host.service.views.get(id)!.state), `${id} to finish`, 30_000);
  return host.service.views.get(id)!;
}

async function filesUnder(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  // Records are written to a temp file and renamed: one may vanish between the listing and the read.
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(path.join(e.parentPath, e.name), 'utf8').catch(() => '')));
  return texts.join('\n');
}

describe.skipIf(skip)(`proxy setting and per-transfer proxies in the service${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    server = await startTestServer();
    server.route('/a.bin', { body: randomBytes(100_000, 1) });
    [tinyproxy, socks] = await Promise.all([startTinyproxy({ user: 'alice', password: 'tiny-secret' }), startMicrosocks({ user: 'bob', password: 'socks-secret' })]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), tinyproxy?.stop(), socks?.stop()]);
  });
  beforeEach(async () => {
    tmp = await makeTempDir('ferry-proxy-settings-');
    host = await openHost({ dataDir: path.join(tmp, 'data'), log: () => undefined });
  });
  afterEach(async () => {
    await host.close();
    await removeDir(tmp);
  });

  it('a proxy password typed into Settings lives in the secret store; views show the mask; downloads use it', async () => {
    const saved = await call<{ proxy: { mode: string; all?: string } }>('setSettings', {
      proxy: { mode: 'manual', all: `alice:tiny-secret@127.0.0.1:${tinyproxy.port}`, noProxy: 'example.invalid' },
    });
    expect(saved.proxy).toEqual({ mode: 'manual', all: `http://alice:••••••••@127.0.0.1:${tinyproxy.port}`, noProxy: 'example.invalid' });
    expect(host.service.snapshot().settings.proxy).toEqual(saved.proxy);
    const dataDir = path.join(tmp, 'data');
    expect(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).not.toContain('tiny-secret');
    expect(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')).toContain('tiny-secret');

    const [added] = await call<TransferView[]>('addDownloads', { urls: [server.url('/a.bin?through=settings')], directory: path.join(tmp, 'out') });
    const done = await finished(added!.id);
    expect(done?.state, done?.error?.message).toBe('completed');
    expect(await tinyproxy.log()).toContain('through=settings');

    // The mask sent back keeps the password for the same proxy...
    const again = await call<{ proxy: { all?: string } }>('setSettings', { proxy: { ...saved.proxy, noProxy: '' } });
    expect(again.proxy.all).toBe(saved.proxy.all);
    // ...but never follows the address elsewhere.
    await expect(call('setSettings', { proxy: { mode: 'manual', all: `http://alice:••••••••@127.0.0.2:${tinyproxy.port}` } })).rejects.toThrow(/type its password again/);
    await expect(call('setSettings', { proxy: { mode: 'manual', all: 'ftp://x.test' } })).rejects.toThrow(/Unsupported proxy scheme/);
    // No proxy: the stored password goes too.
    await call('setSettings', { proxy: { mode: 'none' } });
    expect(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')).not.toContain('tiny-secret');
  });

  it("a transfer's own proxy beats the setting; its password is a reference in the record, dropped with the transfer", async () => {
    await call('setSettings', { proxy: { mode: 'manual', all: `http://alice:tiny-secret@127.0.0.1:${tinyproxy.port}` } });
    const [added] = await call<TransferView[]>('addDownloads', {
      urls: [server.url('/a.bin?through=own')],
      directory: path.join(tmp, 'out'),
      proxy: { mode: 'manual', all: socks.url('socks5h') },
    });
    const done = await finished(added!.id);
    expect(done?.state, done?.error?.message).toBe('completed');
    expect(socks.log()).toContain(`connected to 127.0.0.1:${server.port}`);
    expect(await tinyproxy.log()).not.toContain('through=own');
    const dataDir = path.join(tmp, 'data');
    expect(await filesUnder(path.join(dataDir, 'transfers'))).not.toContain('socks-secret');
    expect(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')).toContain('socks-secret');
    await call('remove', { ids: [added!.id], deleteFiles: false });
    await expect.poll(async () => readFile(path.join(dataDir, 'secrets.json'), 'utf8'), { timeout: 5000 }).not.toContain('socks-secret');
  });

  it("a failed transfer's proxy is changed on its own (the details panel's override), then retried through it", async () => {
    const dead = await freePort();
    await call('setSettings', { maxRetries: 0, proxy: { mode: 'manual', all: `socks5h://127.0.0.1:${dead}` } });
    const [added] = await call<TransferView[]>('addDownloads', { urls: [server.url('/a.bin?through=changed')], directory: path.join(tmp, 'out') });
    const failed = await finished(added!.id);
    expect(failed?.error?.message).toContain(`Proxy socks5h://127.0.0.1:${dead} refused the connection`);

    await call('setTransferProxy', { id: added!.id, proxy: { mode: 'manual', all: socks.url('socks5') } });
    const shown = host.service.snapshot().transfers.find((t) => t.id === added!.id)!;
    expect(shown.proxy).toEqual({ mode: 'manual', all: `socks5://bob:••••••••@127.0.0.1:${socks.port}` });
    // The mask sent back (an edit of something else) keeps the password; a ref typed by a client is refused.
    await call('setTransferProxy', { id: added!.id, proxy: shown.proxy });
    await expect(call('setTransferProxy', { id: added!.id, proxy: { mode: 'manual', all: `socks5://bob:secret%3Asettings.proxy.all@127.0.0.1:${socks.port}` } })).rejects.toThrow(
      /type the proxy's password/,
    );
    const connections = () => socks.log().split('\n').filter((l) => l.includes(`connected to 127.0.0.1:${server.port}`)).length;
    const before = connections();
    await call('retry', { ids: [added!.id] });
    const done = await finished(added!.id);
    expect(done?.state, done?.error?.message).toBe('completed');
    expect(connections()).toBe(before + 1);

    await call('setTransferProxy', { id: added!.id, proxy: null });
    expect(host.service.snapshot().transfers.find((t) => t.id === added!.id)!.proxy).toBeUndefined();
  });
});
