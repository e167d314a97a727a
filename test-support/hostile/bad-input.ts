// Bad input against the hosts: fast-check payloads for every contract request through the IPC
// handler and the headless WebSocket (an error value each time, host up, no state change, nothing
// written); the headless host attacked (tokens, Origin/Host, oversized messages, connection churn);
// URLs that are not http(s), before and after redirects.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { parseRequest, REQUEST_NAMES, type Reply } from '../../shared/contract';
import { runHeadlessHost, type HeadlessHost } from '../../electron/hosts/headless/headless-host';
import { registerIpcHost } from '../../electron/hosts/kit/ipc/ipc-host';
import { callChannel } from '../../electron/hosts/kit/ipc/channels';
import { startTestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import { downloadOnce } from './engine-kit';
import type { HostileRow } from './report';
import { SCALE, SEED } from './settings';

export const row = (name: string, tried: number, failures: string[]): HostileRow => ({
  name,
  tried,
  survived: failures.length === 0 ? 1 : 0,
  transfers: 1,
  bytesLost: 0,
  resent: null,
  ...(failures.length ? { note: `${failures.length} failures; first: ${failures[0]!.slice(0, 160)}` } : {}),
});

/** Every file under `dir` with size and mtime: "nothing written" means this does not change. */
export async function folderState(dir: string): Promise<string> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else {
        const s = await stat(p);
        out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  await walk(dir);
  return out.sort().join('\n');
}

/** Shapes near the real inputs (the contract's own keys with wrong values) and anything at all. */
function payloads(count: number): { name: string; input: unknown }[] {
  const keys = ['urls', 'directory', 'fileName', 'sha256', 'paths', 'destinationId', 'ids', 'id', 'deleteFiles', 'toIndex', 'bytesPerSecond', 'destination', 'maxActive', 'downloadDirectory'];
  const nearShape = fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.anything(), fc.array(fc.oneof(fc.string(), fc.webUrl(), fc.integer())), fc.constantFrom('ftp://x/y', 'file:///etc/passwd', '../../etc', '', -1, 1e309)));
  const name = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...REQUEST_NAMES) }, { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')) });
  const input = fc.oneof(fc.anything({ withNullPrototype: true, withBigInt: false }), nearShape);
  const sampled = fc.sample(fc.record({ name, input }), { numRuns: count * 3, seed: SEED });
  // Only malformed ones: a payload that happens to be valid is not an attack, also after JSON on
  // the wire (which drops undefined keys and turns NaN into null: {maxActive: undefined} is {}).
  const wire = (v: unknown): unknown => {
    const text = JSON.stringify(v);
    return text === undefined ? undefined : JSON.parse(text);
  };
  return sampled.filter((p) => !parseRequest(p.name, p.input).ok && !parseRequest(p.name, wire(p.input)).ok).slice(0, count);
}

interface Socket {
  ws: WebSocket;
  call(message: unknown): Promise<Reply<unknown> | 'closed'>;
}

async function openSocket(host: HeadlessHost): Promise<Socket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
  const waiting = new Map<unknown, (r: Reply<unknown> | 'closed') => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { t: string; id: unknown; reply: Reply<unknown> };
    if (m.t === 'reply') {
      const key = m.id ?? null;
      waiting.get(key)?.(m.reply);
      waiting.delete(key);
    }
  });
  ws.on('close', () => {
    for (const resolve of waiting.values()) resolve('closed');
    waiting.clear();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let n = 0;
  return {
    ws,
    call(message) {
      const id = ++n;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ t: 'call', id, ...(message as object) }));
      });
    },
  };
}

function handshake(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', () => resolve(0));
  });
}

async function startHost(dataDir: string, rendererDir: string, newToken = false): Promise<HeadlessHost> {
  return runHeadlessHost({ port: 0, newToken, dataDir, rendererDir, print: () => {}, warn: () => {}, handleSignals: false });
}

export async function badInput(ctx: LoopContext): Promise<HostileRow[]> {
  const dataDir = path.join(ctx.work, 'data');
  const rendererDir = path.join(ctx.work, 'renderer');
  const downloads = path.join(ctx.work, 'downloads');
  await mkdir(rendererDir, { recursive: true });
  await mkdir(downloads, { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Ferry</title>');
  // An earlier life of the host on this data folder, for a replayed (stale) token: the token is kept
  // across restarts (the URL stays the same) until `--new-token` replaces it, as here.
  const earlier = await startHost(dataDir, rendererDir);
  const staleToken = earlier.token;
  await earlier.service.handle('setSettings', { downloadDirectory: downloads });
  await earlier.close();

  const host = await startHost(dataDir, rendererDir, true);
  const rows: HostileRow[] = [];
  try {
    const snapshot = async () => JSON.stringify((await host.service.handle('snapshot', undefined)) as unknown);
    const stateBefore = await snapshot();
    const filesBefore = await folderState(ctx.work);
    const fuzz = payloads(400 * SCALE);

    // 1. The WebSocket, one socket for all payloads (a closed socket would be a failure too).
    {
      const failures: string[] = [];
      const socket = await openSocket(host);
      for (const p of fuzz) {
        const reply = await socket.call({ name: p.name, input: p.input });
        if (reply === 'closed' || reply.ok) failures.push(`${p.name}: ${JSON.stringify(reply).slice(0, 80)}`);
        if (reply === 'closed') break;
      }
      socket.ws.close();
      rows.push(row(`fuzzed requests over the headless WebSocket (${REQUEST_NAMES.length} requests)`, fuzz.length, failures));
    }

    // 2. The IPC handler, with a trusted main frame, and an untrusted one sending valid input.
    {
      const failures: string[] = [];
      const handlers = new Map<string, (event: unknown, input: unknown) => Promise<Reply<unknown>>>();
      const frame = { parent: null, url: 'app://ferry/index.html', processId: 1, routingId: 1 };
      const contents = { isDestroyed: () => false, mainFrame: frame, getURL: () => frame.url, send: () => {} };
      const dispose = registerIpcHost({
        ipcMain: { handle: (ch: string, fn: never) => void handlers.set(ch, fn), removeHandler: (ch: string) => void handlers.delete(ch) } as never,
        service: host.service,
        windows: () => [contents as never],
        isAppUrl: (url) => url.startsWith('app://ferry/'),
      });
      try {
        for (const p of fuzz) {
          const handler = handlers.get(callChannel(p.name as never));
          if (!handler) continue; // an unknown name has no channel at all over IPC
          const reply = await handler({ senderFrame: frame }, p.input).catch((err: Error) => ({ ok: true, thrown: err.message }) as never);
          if (reply.ok) failures.push(`${p.name}: ${JSON.stringify(reply).slice(0, 80)}`);
        }
        const foreign = { parent: null, url: 'https://evil.example/', processId: 9, routingId: 9 };
        const sneaky = await handlers.get(callChannel('pauseAll'))!({ senderFrame: foreign }, undefined);
        if (sneaky.ok || sneaky.error.code !== 'FORBIDDEN') failures.push('a foreign frame was served');
      } finally {
        dispose();
      }
      rows.push(row('fuzzed requests through the IPC handler', fuzz.length + 1, failures));
    }

    // 3. Attacks on the door.
    {
      const failures: string[] = [];
      const base = `ws://127.0.0.1:${host.port}/ws`;
      const own = { origin: `http://127.0.0.1:${host.port}` };
      const expect = async (what: string, status: Promise<number>, want: number[]) => {
        const got = await status;
        if (!want.includes(got)) failures.push(`${what}: ${got}`);
      };
      await expect('no token', handshake(base, own), [401]);
      await expect('wrong token', handshake(`${base}?token=${'f'.repeat(64)}`, own), [401]);
      await expect('replayed token of an earlier run (replaced by --new-token)', handshake(`${base}?token=${staleToken}`, own), [401]);
      await expect('token with a NUL', handshake(`${base}?token=${host.token}%00`, own), [401]);
      await expect('foreign Origin', handshake(`${base}?token=${host.token}`, { origin: 'http://evil.example' }), [403]);
      await expect('null Origin', handshake(`${base}?token=${host.token}`, { origin: 'null' }), [403]);
      await expect('rebound Host', handshake(`${base}?token=${host.token}`, { ...own, headers: { host: `evil.example:${host.port}` } }), [403]);
      // Oversized: the socket is closed (1009), the host stays up.
      const big = await openSocket(host);
      const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
      big.ws.send(Buffer.alloc(17 * 1024 * 1024, 0x61));
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
      if (code !== 1009) failures.push(`oversized message: close code ${code}`);
      rows.push(row('headless door: missing/wrong/replayed tokens, foreign Origin/Host, 17 MiB message', 8, failures));
    }

    // 4. Connections opened and dropped, in every way, 50 at a time.
    {
      const total = Math.min(10_000, 2000 * SCALE);
      const failures: string[] = [];
      const handlesBefore = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      const once = async (i: number): Promise<void> => {
        if (i % 3 === 0) {
          const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
          await new Promise<void>((resolve) => {
            ws.once('open', () => (ws.terminate(), resolve()));
            ws.once('error', () => resolve());
          });
        } else if (i % 3 === 1) {
          await handshake(`ws://127.0.0.1:${host.port}/ws?token=bad`);
        } else {
          const s = net.connect(host.port, '127.0.0.1');
          await new Promise<void>((resolve) => {
            s.once('connect', () => {
              s.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'); // half a request, then gone
              s.destroy();
              resolve();
            });
            s.once('error', () => resolve());
          });
        }
      };
      for (let i = 0; i < total; i += 50) await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, k) => once(i + k)));
      await new Promise((r) => setTimeout(r, 500));
      const alive = await openSocket(host).catch(() => undefined);
      const reply = alive ? await alive.call({ name: 'getSettings' }) : 'closed';
      alive?.ws.close();
      if (reply === 'closed' || !reply.ok) failures.push('host did not answer afterwards');
      const handlesAfter = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      if (handlesAfter > handlesBefore + 5) failures.push(`${handlesAfter - handlesBefore} sockets still open`);
      rows.push(row(`connections opened and dropped (${total}: sockets, bad tokens, half requests)`, total, failures));
    }

    // Nothing any of that did may have changed a transfer, a setting or a file.
    const stateAfter = await snapshot();
    const filesAfter = await folderState(ctx.work);
    const still: string[] = [];
    if (stateAfter !== stateBefore) still.push('the snapshot changed');
    if (filesAfter !== filesBefore) {
      const was = new Set(filesBefore.split('\n'));
      still.push(`files changed: ${filesAfter.split('\n').filter((line) => !was.has(line)).join(', ')}`);
    }
    rows.push(row('after all bad input: no state change, nothing written', 1, still));
  } finally {
    await host.close();
  }
  rows.push(await urlsAfterRedirects(ctx));
  return rows;
}

/** http(s) only, before and after redirects: a redirect to file:, ftp: or data: fails and writes nothing. */
async function urlsAfterRedirects(ctx: LoopContext): Promise<HostileRow> {
  const server = await startTestServer();
  const failures: string[] = [];
  const targets = ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hi', 'javascript:alert(1)', 'gopher://127.0.0.1/'];
  try {
    for (const [i, to] of targets.entries()) {
      server.route(`/r${i}`, { redirect: to });
      const outcome = await downloadOnce(ctx.work, server.url(`/r${i}`), 20_000);
      if (outcome.view.state !== 'failed' || outcome.files.length > 0) failures.push(`${to}: ${outcome.view.state}, ${outcome.files.length} files`);
    }
    for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'http//x', 'http://', ' javascript:alert(1)']) {
      if (parseRequest('addDownloads', { urls: [url] }).ok) failures.push(`accepted ${url}`);
    }
  } finally {
    await server.close();
  }
  return row('URLs: only http/https, before and after redirects', targets.length + 5, failures);
}
