// The browser transport against a real WebSocket server on 127.0.0.1 speaking the headless
// host's protocol: calls and replies, events, the snapshot on every (re)connect, uploads.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { SocketLike } from './ws-client';
import { createWsTransport, wsOptionsFromLocation } from './ws-client';
import { REQUEST_NAMES } from '../../../shared/names';

interface Fake {
  port: number;
  sockets: Set<import('ws').WebSocket>;
  connects: number;
  uploads: Array<{ name: string | null; token: string | undefined; body: string }>;
  close(): Promise<void>;
}

async function startFakeHost(token: string, port = 0): Promise<Fake> {
  const fake = { sockets: new Set(), connects: 0, uploads: [] } as unknown as Fake;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers['x-ferry-token'] !== token) return res.writeHead(401).end('no token');
      if (url.pathname === '/api/session') return res.writeHead(204).end();
      fake.uploads.push({ name: url.searchParams.get('name'), token: req.headers['x-ferry-token'] as string, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: `/inbox/${url.searchParams.get('name')}` }));
    });
  });
  // As the headless host: a wrong token is refused at the upgrade (HTTP 401), which a browser hides.
  const wss = new WebSocketServer({
    server,
    path: '/ws',
    verifyClient: (info, done) => done(new URL(info.req.url ?? '', 'http://x').searchParams.get('token') === token, 401),
  });
  wss.on('connection', (ws, req) => {
    if (new URL(req.url ?? '', 'http://x').searchParams.get('token') !== token) return ws.close(4001);
    fake.connects++;
    fake.sockets.add(ws);
    ws.on('close', () => fake.sockets.delete(ws));
    ws.send(JSON.stringify({ t: 'event', name: 'snapshot', payload: { transfers: [], settings: { n: fake.connects }, destinations: [] } }));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.name === 'pause') ws.send(JSON.stringify({ t: 'reply', id: msg.id, reply: { ok: true, value: msg.input } }));
      if (msg.name === 'bogus') ws.send(JSON.stringify({ t: 'reply', id: msg.id, reply: { ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request: bogus' } } }));
      if (msg.name === 'resumeAll') {
        ws.send(JSON.stringify({ t: 'event', name: 'patches', payload: [{ id: 'a', removed: true }] }));
        ws.send(JSON.stringify({ t: 'reply', id: msg.id, reply: { ok: true } }));
      }
      // 'retry' is never answered: the call must still settle when the socket dies.
    });
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  fake.port = (server.address() as AddressInfo).port;
  fake.close = () =>
    new Promise((ok) => {
      for (const s of fake.sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => ok());
    });
  return fake;
}

const TOKEN = 'ab'.repeat(32);
let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function connect(fake: Fake | { port: number }, token = TOKEN) {
  const t = createWsTransport({
    ...wsOptionsFromLocation({ protocol: 'http:', host: `127.0.0.1:${fake.port}`, hash: `#token=${token}` })!,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    minBackoffMs: 50,
    maxBackoffMs: 200,
  });
  cleanups.push(() => t.close());
  return t;
}

const until = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('WebSocket transport', () => {
  it('reads the token from the hash and builds the socket and upload addresses', () => {
    const o = wsOptionsFromLocation({ protocol: 'https:', host: 'box:8443', hash: '#token=beef' });
    expect(o).toMatchObject({ token: 'beef', socketUrl: 'wss://box:8443/ws?token=beef', httpBase: 'https://box:8443' });
    expect(wsOptionsFromLocation({ protocol: 'http:', host: 'x', hash: '' })).toBeNull();
    expect(wsOptionsFromLocation({ protocol: 'http:', host: 'x', hash: '' }, 'stored')?.token).toBe('stored');
  });

  it('gets the snapshot first, answers calls by id, and delivers events', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = connect(fake);
    const snaps: unknown[] = [];
    const patches: unknown[] = [];
    t.api.on('snapshot', (s) => snaps.push(s));
    t.api.on('patches', (p) => patches.push(p));
    const a = await t.api.pause({ ids: ['x'] });
    expect(a).toEqual({ ok: true, value: { ids: ['x'] } });
    expect(snaps).toHaveLength(1);
    await t.api.resumeAll();
    expect(patches).toEqual([[{ id: 'a', removed: true }]]);
  });

  it('offers exactly the requests the contract names, plus on (no catch-all)', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = connect(fake);
    expect(Object.keys(t.api).sort()).toEqual([...REQUEST_NAMES, 'on'].sort());
    expect((t.api as unknown as Record<string, unknown>).bogus).toBeUndefined();
  });

  it('reconnects after the host drops it, gets a fresh snapshot, and fails calls that were in flight', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = connect(fake);
    const snaps: Array<{ settings: { n: number } }> = [];
    const states: string[] = [];
    t.api.on('snapshot', (s) => snaps.push(s as never));
    t.onConnection((s) => states.push(s));
    await until(() => snaps.length === 1);
    const hanging = t.api.retry({ ids: ['x'] });
    await until(() => fake.sockets.size === 1);
    await new Promise((r) => setTimeout(r, 50));
    for (const s of fake.sockets) s.terminate();
    expect(await hanging).toMatchObject({ ok: false, error: { code: 'FAILED' } });
    await until(() => snaps.length === 2);
    expect(snaps[1]!.settings.n).toBe(2);
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
    // A call made while connected again works.
    expect(await t.api.pause({ ids: ['y'] })).toEqual({ ok: true, value: { ids: ['y'] } });
  });

  it('a token the host refuses ends in "refused" after one try, not endless reconnecting', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = connect(fake, 'cd'.repeat(32));
    const states: string[] = [];
    t.onConnection((s) => states.push(s));
    await until(() => states.includes('refused'));
    await new Promise((r) => setTimeout(r, 300)); // longer than the backoff: no further try comes
    expect(states).toEqual(['connecting', 'closed', 'refused']);
    expect(fake.connects).toBe(0);
  });

  it('a host that is away is not a refused token: it keeps trying and connects when the host is back', async () => {
    const fake = await startFakeHost(TOKEN);
    const port = fake.port;
    await fake.close();
    const t = connect({ port });
    const states: string[] = [];
    t.onConnection((s) => states.push(s));
    await until(() => states.filter((s) => s === 'closed').length >= 2);
    expect(states).not.toContain('refused');
    // While away, a call waits for the connection instead of failing at once.
    const waiting = t.api.pause({ ids: ['w'] });
    const back = await startFakeHost(TOKEN, port);
    cleanups.push(() => back.close());
    await until(() => states.at(-1) === 'open');
    expect(await waiting).toEqual({ ok: true, value: { ids: ['w'] } });
  });

  it('uploads a dropped file with the token and returns the host path', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = connect(fake);
    const file = new File(['hello ferry'], 'my report #1.txt');
    const r = await t.fileToPath(file);
    expect(r).toEqual({ ok: true, value: '/inbox/my report #1.txt' });
    expect(fake.uploads).toEqual([{ name: 'my report #1.txt', token: TOKEN, body: 'hello ferry' }]);
  });

  it('does not send a file over the host\'s dropped-file limit, and follows changes of the setting', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = connect(fake);
    await t.api.pause({ ids: ['x'] }); // connected: the snapshot has arrived
    for (const ws of fake.sockets) ws.send(JSON.stringify({ t: 'event', name: 'settings', payload: { droppedFileLimitMiB: 1 } }));
    await new Promise((r) => setTimeout(r, 50));
    const big = new File([new Uint8Array(1024 * 1024 + 1)], 'big.bin');
    const r = await t.fileToPath(big);
    expect(!r.ok && r.error.message).toBe('“big.bin” is 1.0 MiB, more than the 1 MiB allowed for dropped files (Settings → Transfers)');
    expect(fake.uploads).toEqual([]);
    for (const ws of fake.sockets) ws.send(JSON.stringify({ t: 'event', name: 'settings', payload: { droppedFileLimitMiB: 2 } }));
    await new Promise((r) => setTimeout(r, 50));
    expect(await t.fileToPath(big)).toEqual({ ok: true, value: '/inbox/big.bin' });
  });

  it('reports a refused upload in words', async () => {
    const fake = await startFakeHost(TOKEN);
    cleanups.push(() => fake.close());
    const t = createWsTransport({
      socketUrl: `ws://127.0.0.1:${fake.port}/ws?token=${TOKEN}`,
      httpBase: `http://127.0.0.1:${fake.port}`,
      token: 'wrong',
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    });
    cleanups.push(() => t.close());
    const r = await t.fileToPath(new File(['x'], 'a.txt'));
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.error.message).toContain('HTTP 401');
  });

  it('a page loaded from a loopback address is on the host machine: it offers Open and Show in folder', () => {
    expect(wsOptionsFromLocation({ protocol: 'http:', host: '127.0.0.1:8080', hostname: '127.0.0.1', hash: '#token=beef' })!.onHostMachine).toBe(true);
    expect(wsOptionsFromLocation({ protocol: 'http:', host: '[::1]:8080', hash: '#token=beef' })!.onHostMachine).toBe(true);
    expect(wsOptionsFromLocation({ protocol: 'http:', host: 'localhost:8080', hash: '#token=beef' })!.onHostMachine).toBe(true);
    expect(wsOptionsFromLocation({ protocol: 'http:', host: 'nas.lan:8080', hash: '#token=beef' })!.onHostMachine).toBe(false);
    expect(wsOptionsFromLocation({ protocol: 'http:', host: '192.168.1.5:8080', hash: '#token=beef' })!.onHostMachine).toBe(false);
  });
});
