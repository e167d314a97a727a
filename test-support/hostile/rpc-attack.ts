// The aria2-compatible RPC attacked like the headless host: fast-check payloads for every method
// (wrong types and shapes, huge numbers, unknown GIDs, nested multicall, batches) over HTTP POST and
// the WebSocket must each get a JSON-RPC error, leave the server up, change no state and write
// nothing; the door (tokens, also inside multicall; Origin/Host; oversized bodies) and connection
// churn as for the headless host. Runs the real `ferry rpc` wiring (runStandaloneRpc).
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { runStandaloneRpc, type StandaloneRpc } from '../../electron/hosts/rpc/standalone';
import type { LoopContext } from './crash-loop';
import { folderState, row } from './bad-input';
import type { HostileRow } from './report';
import { SCALE } from './settings';
import { OLD_SECRET, payloads, SECRET } from './rpc-payloads';
import { seedSettings } from '../rpc-host';


interface Answer {
  status: number;
  body: string;
}

function post(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/jsonrpc', method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: '' }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(body);
  });
}

/** One WebSocket for many calls; answers matched in order (the server answers each message once). */
async function openSocket(port: number, origin?: string): Promise<{ ws: WebSocket; send(text: string, expectReply?: boolean): Promise<string | 'closed' | 'silent'> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`, origin ? { origin } : {});
  const queue: ((text: string | 'closed') => void)[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    // Notifications (a method, no id) are not answers; none should come to these sockets anyway.
    queue.shift()?.(text);
  });
  ws.on('close', () => queue.splice(0).forEach((resolve) => resolve('closed')));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    send(text, expectReply = true) {
      if (!expectReply) {
        ws.send(text);
        return new Promise((resolve) => setTimeout(() => resolve('silent'), 50));
      }
      return new Promise((resolve) => {
        queue.push(resolve);
        ws.send(text);
      });
    },
  };
}

/** Every call answered in `text` was an error (multicall: every inner entry was one). */
function allErrors(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 60)}`;
  }
  const replies = Array.isArray(parsed) ? parsed : [parsed];
  if (replies.length === 0) return 'empty batch answered with []';
  for (const r of replies as { error?: unknown; result?: unknown }[]) {
    if (r && typeof r === 'object' && 'error' in r) continue;
    // A multicall's result: one entry per inner call, [value] for success, a struct for an error.
    if (r && Array.isArray(r.result) && r.result.length > 0 && r.result.every((e) => e && typeof e === 'object' && !Array.isArray(e) && 'code' in e)) continue;
    return `answered ${JSON.stringify(r).slice(0, 100)}`;
  }
  return undefined;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `was …${a.slice(Math.max(0, i - 60), i + 60)}…, now …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

export async function rpcAttack(ctx: LoopContext): Promise<HostileRow[]> {
  const dataDir = path.join(ctx.work, 'rpc-data');
  const downloads = path.join(ctx.work, 'rpc-downloads');
  await mkdir(downloads, { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The held download is saved where RPC clients may save: the download folder.
  seedSettings(dataDir, { downloadDirectory: downloads });
  // Wrong secrets are held 1 ms here, not 0.5-5 s: this is about malformed input (hundreds of
  // wrong tokens among it); the guessing row of rpc-door.ts runs the real delays.
  const quiet = { print: () => {}, warn: () => {}, handleSignals: false, port: 0, guessDelays: { firstMs: 1, maxMs: 1 } };
  // An earlier run with another secret: its token, replayed, must not open the door now.
  const earlier = await runStandaloneRpc({ dataDir, secret: OLD_SECRET, ...quiet });
  await earlier.close();
  const rpcHost: StandaloneRpc = await runStandaloneRpc({ dataDir, secret: SECRET, ...quiet });
  const port = rpcHost.server.port;
  const call = async (method: string, params: unknown[]) => JSON.parse((await post(port, JSON.stringify({ jsonrpc: '2.0', id: 'q', method, params: [`token:${SECRET}`, ...params] }))).body) as { result?: unknown; error?: { message: string } };
  const rows: HostileRow[] = [];
  try {
    // One download held paused, so that malformed calls also meet a real GID.
    const added = await call('aria2.addUri', [['http://127.0.0.1:9/held.bin'], { pause: 'true', dir: downloads }]);
    if (typeof added.result !== 'string') throw new Error(`could not add the held download: ${JSON.stringify(added)}`);
    const knownGid = added.result;
    const keys = ['gid', 'status', 'dir', 'totalLength', 'completedLength'];
    const snapshot = async () =>
      JSON.stringify([
        await call('aria2.tellActive', [keys]),
        await call('aria2.tellWaiting', [0, 1000, keys]),
        await call('aria2.tellStopped', [0, 1000, keys]),
        await call('aria2.getGlobalOption', []),
        await call('aria2.getOption', [knownGid]),
      ]);
    const stateBefore = await snapshot();
    const filesBefore = await folderState(ctx.work);
    const methods = (await call('system.listMethods', [])).result as string[];
    const fuzz = payloads(methods, knownGid, 400 * SCALE);

    // 1. Every payload over HTTP POST and over one WebSocket.
    {
      const failures: string[] = [];
      const socket = await openSocket(port);
      let sent = 0;
      for (const p of fuzz) {
        const viaHttp = await post(port, p.text);
        sent++;
        const httpBad = viaHttp.status === 204 ? undefined : viaHttp.status !== 200 ? `status ${viaHttp.status}` : allErrors(viaHttp.body);
        if (httpBad) failures.push(`POST ${p.why}: ${httpBad} for ${p.text.slice(0, process.env.FERRY_HOSTILE_DEBUG ? 4000 : 100)}`);
        // A notification-only message (no id anywhere) gets no answer on either transport.
        const reply = await socket.send(p.text, viaHttp.status !== 204);
        sent++;
        if (reply === 'closed') {
          failures.push(`WebSocket closed by ${p.text.slice(0, 100)}`);
          break;
        }
        const wsBad = reply === 'silent' ? undefined : allErrors(reply);
        if (wsBad) failures.push(`WS ${p.why}: ${wsBad} for ${p.text.slice(0, process.env.FERRY_HOSTILE_DEBUG ? 4000 : 100)}`);
      }
      socket.ws.close();
      if (process.env.FERRY_HOSTILE_DEBUG) process.stderr.write(`${failures.join('\n')}\n`);
      rows.push(row(`aria2 RPC: fuzzed calls to ${methods.length} methods (bad params, tokens, batches, multicall, Object.prototype names) over POST and WebSocket`, sent, failures));
    }

    // 2. The door. A socket that never shows the secret (a local program; a foreign page's is
    // refused outright, see rpc-door.ts) hears no notifications (checked at the end, after
    // something that notifies).
    const stranger = await openSocket(port);
    const heard: string[] = [];
    stranger.ws.on('message', (m) => heard.push(m.toString()));
    let doorRow: (heard: number) => HostileRow = () => row('aria2 RPC door', 0, ['did not run']);
    {
      const failures: string[] = [];
      const expectError = async (what: string, body: unknown, headers: Record<string, string> = {}) => {
        const answer = await post(port, JSON.stringify(body), headers);
        const bad = answer.status !== 200 ? `status ${answer.status}` : allErrors(answer.body);
        if (bad) failures.push(`${what}: ${bad}`);
      };
      const rpc = (method: string, params: unknown[]) => ({ jsonrpc: '2.0', id: 1, method, params });
      const add = ['http://127.0.0.1:9/new.bin'];
      await expectError('no token', rpc('aria2.addUri', [add]));
      await expectError('wrong token', rpc('aria2.addUri', [`token:${'f'.repeat(32)}`, add]));
      await expectError('replayed token of an earlier run', rpc('aria2.addUri', [`token:${OLD_SECRET}`, add]));
      await expectError('token without the prefix', rpc('aria2.pauseAll', [SECRET]));
      await expectError('multicall: outer token does not reach inner calls', rpc('system.multicall', [`token:${SECRET}`, [{ methodName: 'aria2.addUri', params: [add] }]]));
      await expectError('multicall: wrong and replayed tokens inside', rpc('system.multicall', [[{ methodName: 'aria2.addUri', params: [`token:${OLD_SECRET}`, add] }, { methodName: 'aria2.pauseAll', params: ['token:'] }]]));
      const foreign = await post(port, JSON.stringify(rpc('aria2.addUri', [`token:${SECRET}`, add])), { origin: 'http://evil.example' });
      if (foreign.status !== 403) failures.push(`foreign Origin with the token: status ${foreign.status}`);
      for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example`]) {
        const rebound = await post(port, JSON.stringify(rpc('aria2.getVersion', [`token:${SECRET}`])), { host });
        if (rebound.status !== 403) failures.push(`rebound Host ${host}: status ${rebound.status}`);
        const upgrade = await new Promise<number>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`, { headers: { host } });
          ws.on('open', () => (ws.terminate(), resolve(101)));
          ws.on('unexpected-response', (_req, res) => (res.resume(), resolve(res.statusCode ?? 0)));
          ws.on('error', () => resolve(0));
        });
        if (upgrade === 101) failures.push(`WebSocket with rebound Host ${host} was accepted`);
      }
      const oversizedPost = await post(port, Buffer.alloc(3 * 1024 * 1024, 0x20));
      if (oversizedPost.status !== 413 && oversizedPost.status !== 0) failures.push(`3 MiB POST: status ${oversizedPost.status}`);
      const big = await openSocket(port);
      const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
      big.ws.send(Buffer.alloc(3 * 1024 * 1024, 0x20));
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
      if (code !== 1009) failures.push(`3 MiB WebSocket message: close code ${code}`);
      doorRow = (heard) => row('aria2 RPC door: missing/wrong/replayed tokens (also in multicall), foreign Origin/Host, 3 MiB body and message, a stranger\'s socket', 17, heard > 0 ? [...failures, `a socket without the secret heard ${heard} notifications`] : failures);
    }

    // 3. Connections opened and dropped.
    {
      const total = Math.min(10_000, 2000 * SCALE);
      const failures: string[] = [];
      const handlesBefore = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      const once = async (i: number): Promise<void> => {
        if (i % 3 === 0) {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`);
          await new Promise<void>((resolve) => {
            ws.once('open', () => (ws.send('{"jsonrpc":"2.0","id":1,"method":"aria2.pauseAll","params":["token:x"]}'), ws.terminate(), resolve()));
            ws.once('error', () => resolve());
          });
        } else {
          const s = net.connect(port, '127.0.0.1');
          await new Promise<void>((resolve) => {
            s.once('connect', () => {
              // Half a request (headers cut, or a body shorter than announced), then gone.
              s.write(i % 3 === 1 ? 'POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le' : 'POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n{"jsonrpc":"2.0","method":"aria2.addUri"');
              s.destroy();
              resolve();
            });
            s.once('error', () => resolve());
          });
        }
      };
      for (let i = 0; i < total; i += 50) await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, k) => once(i + k)));
      await new Promise((r) => setTimeout(r, 500));
      const alive: { result?: unknown } = await call('aria2.getVersion', []).catch(() => ({}));
      if (!alive.result) failures.push('the RPC did not answer afterwards');
      const handlesAfter = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      if (handlesAfter > handlesBefore + 5) failures.push(`${handlesAfter - handlesBefore} sockets still open`);
      rows.push(row(`aria2 RPC: connections opened and dropped (${total}: sockets, half requests, short bodies)`, total, failures));
    }

    const stateAfter = await snapshot();
    const filesAfter = await folderState(ctx.work);
    const still: string[] = [];
    if (stateAfter !== stateBefore) still.push(`the downloads or options changed: ${firstDifference(stateBefore, stateAfter)}`);
    if (filesAfter !== filesBefore) {
      const was = new Set(filesBefore.split('\n'));
      still.push(`files changed: ${filesAfter.split('\n').filter((line) => !was.has(line)).join(', ')}`);
    }
    rows.push(row('aria2 RPC after all bad input: no download added or changed, nothing written', 1, still));

    // Something that notifies: a download added and removed by the rightful client.
    const transient = await call('aria2.addUri', [['http://127.0.0.1:9/transient.bin'], { dir: downloads }]);
    if (typeof transient.result === 'string') {
      await new Promise((r) => setTimeout(r, 300));
      await call('aria2.remove', [transient.result]);
      await call('aria2.removeDownloadResult', [transient.result]);
    }
    await new Promise((r) => setTimeout(r, 200));
    stranger.ws.close();
    rows.splice(1, 0, doorRow(heard.length));
  } finally {
    await rpcHost.close();
  }
  return rows;
}
