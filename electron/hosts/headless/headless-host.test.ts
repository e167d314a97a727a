// The headless host over a real socket and real HTTP: token, Origin and Host checks, malformed
// messages, and full transfer cycles against loopback servers.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Snapshot, TransferPatch } from '../../../shared/contract';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { startRawReceiver, type RawReceiver } from '../../../test-support/upload-servers';
import { runHeadlessHost, type HeadlessHost } from './headless-host';
import { connectUi, type UiClient } from '../../../test-support/headless-client';

let dir: string;
let host: HeadlessHost;
let printed: string[];
let server: TestServer;
const body = randomBytes(2_000_000, 11);

beforeEach(async () => {
  dir = await makeTempDir('ferry-headless-');
  await mkdir(path.join(dir, 'renderer'));
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Ferry</title>');
  server = await startTestServer();
  server.route('/file.bin', { body, rateBytesPerSec: 4_000_000 });
  printed = [];
  host = await runHeadlessHost({ port: 0,
    dataDir: path.join(dir, 'data'),
    rendererDir: path.join(dir, 'renderer'),
    print: (line) => printed.push(line),
    warn: () => {},
    handleSignals: false,
  });
  await host.service.handle('setSettings', { downloadDirectory: path.join(dir, 'downloads') });
  await mkdir(path.join(dir, 'downloads'));
});

afterEach(async () => {
  await host.close();
  await server.close();
  await removeDir(dir);
});

function socketUrl(token = host.token): string {
  return `ws://127.0.0.1:${host.port}/ws?token=${token}`;
}

function connect(): Promise<UiClient> {
  return connectUi(host.port, host.token);
}

/** Attempts a socket connection; resolves to the HTTP status it was refused with, or 101. */
function handshakeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => {});
  });
}

function httpStatus(pathname: string, headers: Record<string, string> = {}, method = 'GET', payload?: Buffer): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, path: pathname, method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('headless host', () => {
  it('prints exactly one line with a loopback URL and a fresh 32-byte token in the fragment', () => {
    expect(printed).toEqual([`Ferry UI: http://127.0.0.1:${host.port}/#token=${host.token}`]);
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the renderer without a token, with the CSP, but nothing under /api/', async () => {
    const page = await httpStatus('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Ferry</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await httpStatus('/../../etc/passwd')).body).not.toContain('root:');
    expect((await httpStatus('/api/upload-file?name=x', {}, 'POST', Buffer.from('x'))).status).toBe(401);
  });

  it('refuses sockets without the token or with a wrong one', async () => {
    expect(await handshakeStatus(`ws://127.0.0.1:${host.port}/ws`)).toBe(401);
    expect(await handshakeStatus(socketUrl('0'.repeat(64)))).toBe(401);
    expect(await handshakeStatus(socketUrl(host.token.slice(0, 63)))).toBe(401);
    expect(await handshakeStatus(socketUrl())).toBe(101);
  });

  it('refuses a foreign Origin or Host even with the right token (DNS rebinding)', async () => {
    expect(await handshakeStatus(socketUrl(), { origin: 'http://evil.example' })).toBe(403);
    expect(await handshakeStatus(socketUrl(), { origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
    expect(await handshakeStatus(socketUrl(), { headers: { host: `rebound.example:${host.port}` } })).toBe(403);
    expect((await httpStatus('/', { host: `rebound.example:${host.port}` })).status).toBe(403);
    expect(await handshakeStatus(socketUrl(), { origin: `http://localhost:${host.port}` })).toBe(101);
  });

  it('answers malformed messages with error replies and keeps the socket open', async () => {
    const client = await connect();
    expect(await client.sendRaw('not json')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await client.sendRaw('[1,2]')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await client.sendRaw(JSON.stringify({ t: 'call', name: 'pauseAll' }))).toMatchObject({ ok: false });
    expect(await client.call('rm -rf', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REQUEST' } });
    expect(await client.call('addDownloads', { urls: ['file:///etc/passwd'] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await client.call('pause', { ids: ['nope'] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(await client.call('getSettings')).toMatchObject({ ok: true, value: { maxActive: 3 } });
    client.ws.close();
  });

  it('tells every connected UI about settings and destination changes; refuses uploads of missing files readably', async () => {
    const a = await connect();
    const b = await connect();
    expect(await a.call('setSettings', { maxActive: 5 })).toMatchObject({ ok: true, value: { maxActive: 5 } });
    await b.waitFor(() => b.events.some((e) => e.name === 'settings'));
    expect(b.events.find((e) => e.name === 'settings')?.payload).toMatchObject({ maxActive: 5 });
    const created = await a.call('createDestination', { name: 'D', url: 'http://127.0.0.1:9/x', method: 'PUT', protocol: 'raw', headers: [] });
    await b.waitFor(() => b.events.some((e) => e.name === 'destinations'));
    const missing = await a.call('addUploads', { paths: [path.join(dir, 'no-such-file')], destinationId: (created.value as { id: string }).id });
    expect(missing).toMatchObject({ ok: false, error: { code: 'FAILED' } });
    expect(missing.error!.message).toContain('no-such-file');
    expect(await a.call('addUploads', { paths: ['/x'], destinationId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    a.ws.close();
    b.ws.close();
  });

  it('runs a download from add through progress patches to complete, bytes on disk', async () => {
    const client = await connect();
    await client.waitFor(() => client.events.length > 0);
    expect(client.events[0]).toMatchObject({ name: 'snapshot', payload: { transfers: [] } });
    const added = await client.call('addDownloads', { urls: [server.url('/file.bin')] });
    expect(added.ok).toBe(true);
    const id = (added.value as TransferView[])[0]!.id;
    const patches = () => client.events.filter((e) => e.name === 'patches').flatMap((e) => e.payload as TransferPatch[]);
    await client.waitFor(() => patches().some((p) => p.id === id && 'view' in p && p.view.state === 'completed'));
    const progress = patches().filter((p): p is Extract<TransferPatch, { progress: unknown }> => p.id === id && 'progress' in p);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((p) => p.progress.bytesDone > 0 && p.progress.bytesDone < body.length)).toBe(true);
    const batches = client.events.filter((e) => e.name === 'patches').length;
    expect(batches).toBeLessThan(40); // ~0.5 s of transfer at <= 10 batches a second, plus state changes
    const snapshot = (await client.call('snapshot')).value as Snapshot;
    const done = snapshot.transfers.find((t) => t.id === id)!;
    expect(done.state).toBe('completed');
    expect(sha256(await readFile(done.download!.filePath!))).toBe(sha256(body));
    client.ws.close();
  });

  it('takes a browser-dropped file into the inbox and uploads it with the secret header resolved', async () => {
    const receiver: RawReceiver = await startRawReceiver();
    try {
      const client = await connect();
      const destination = await client.call('createDestination', {
        name: 'Receiver',
        url: receiver.url('/in/{filename}'),
        method: 'PUT',
        protocol: 'raw',
        headers: [{ name: 'Authorization', value: 'Bearer hush', secret: true }],
      });
      expect(destination).toMatchObject({ ok: true, value: { headers: [{ value: '••••••••' }] } });
      const file = randomBytes(300_000, 3);
      const upload = await httpStatus('/api/upload-file?name=' + encodeURIComponent('dropped file.bin'), { 'x-ferry-token': host.token }, 'POST', file);
      expect(upload.status).toBe(200);
      const inboxPath = JSON.parse(upload.body).path as string;
      expect(inboxPath.startsWith(path.join(dir, 'data', 'inbox'))).toBe(true);
      const added = await client.call('addUploads', { paths: [inboxPath], destinationId: (destination.value as { id: string }).id });
      expect(added).toMatchObject({ ok: true });
      const id = (added.value as TransferView[])[0]!.id;
      await client.waitFor(() =>
        client.events.some((e) => e.name === 'patches' && (e.payload as TransferPatch[]).some((p) => p.id === id && 'view' in p && p.view.state === 'completed')),
      );
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.sha256).toBe(sha256(file));
      expect(receiver.received[0]!.headers.authorization).toBe('Bearer hush');
      client.ws.close();
    } finally {
      await receiver.close();
    }
  });
});

describe('headless host bound beyond loopback', () => {
  it('warns, and still accepts only its own addresses as Host', async () => {
    const warnings: string[] = [];
    const wide = await runHeadlessHost({ port: 0,
      host: '0.0.0.0',
      dataDir: path.join(dir, 'data-wide'),
      rendererDir: path.join(dir, 'renderer'),
      print: () => {},
      warn: (line) => warnings.push(line),
      handleSignals: false,
    });
    try {
      expect(warnings.join('\n')).toMatch(/warning: listening on 0\.0\.0\.0/);
      const get = (hostHeader: string) =>
        new Promise<number>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: wide.port, path: '/', headers: { host: hostHeader } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', reject);
        });
      expect(await get(`127.0.0.1:${wide.port}`)).toBe(200);
      expect(await get(`localhost:${wide.port}`)).toBe(200);
      expect(await get(`attacker.example:${wide.port}`)).toBe(403);
    } finally {
      await wide.close();
    }
  });

  it('refuses to start a second host (another process) on the same data folder', () => {
    const second = spawnSync(process.execPath, ['--import', 'tsx', 'electron/hosts/headless/main.ts', '--data-dir', path.join(dir, 'data')], {
      cwd: path.resolve(__dirname, '../../..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another ferry \(pid \d+\) is using/);
    expect(second.stdout).not.toContain('Ferry UI:');
  });
});
