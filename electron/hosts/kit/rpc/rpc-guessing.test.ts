// Issue 15, finding 7 (guessing): wrong secrets are answered slowly, and a caller's next message is
// judged only after that (also when it gave up waiting), while a call with the right secret from
// any other caller is answered at once, whatever flood goes on. Times here are lower bounds only:
// a slow machine makes them longer, never shorter.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RPC_TEST_SECRET, startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';
import { CHROMIUM_EXTENSION_ID } from '../browser-pairing/extension-ids';
import { MAX_WAITING } from './guess-gate';

const body = (token: string, id: unknown = 1) => JSON.stringify({ jsonrpc: '2.0', id, method: 'aria2.getVersion', params: [`token:${token}`] });
const EXTENSION = `chrome-extension://${CHROMIUM_EXTENSION_ID}`;
const PAGE = 'https://hosted-ariang.example';

let host: RpcHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('guessing the secret', () => {
  it('answers a right secret at once while wrong guesses from others wait (HTTP, no Origin and a web origin; WebSocket)', async () => {
    // Holds long enough that "answered before any held guess" cannot be luck on a slow machine.
    host = await startRpcHost({ settings: { rpcAllowedOrigins: [PAGE] }, guessDelays: { firstMs: 5000, maxMs: 5000 } });
    const order: string[] = [];
    const wrong = () => order.push('wrong');
    for (let i = 0; i < 10; i++) host.post(body(`guess-${i}`)).then(wrong, () => undefined);
    for (let i = 0; i < 10; i++) host.post(body(`guess-page-${i}`), { origin: PAGE }).then(wrong, () => undefined);
    const socket = new WebSocket(`ws://127.0.0.1:${host.server.port}/jsonrpc`);
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.on('message', wrong);
    for (let i = 0; i < 10; i++) socket.send(body(`guess-ws-${i}`, i));
    // Right secrets from a script, from Ferry's extension and over another WebSocket.
    expect(JSON.parse((await host.post(body(RPC_TEST_SECRET))).body).result.version).toBeTypeOf('string');
    order.push('right');
    expect(JSON.parse((await host.post(body(RPC_TEST_SECRET), { origin: EXTENSION })).body).result.version).toBeTypeOf('string');
    order.push('right');
    const other = new WebSocket(`ws://127.0.0.1:${host.server.port}/jsonrpc`);
    const reply = new Promise<string>((resolve) => other.once('message', (m) => resolve(m.toString())));
    await new Promise((resolve) => other.once('open', resolve));
    other.send(body(RPC_TEST_SECRET));
    expect(JSON.parse(await reply).result.version).toBeTypeOf('string');
    order.push('right');
    // Not one wrong guess had its answer before the three right calls had theirs.
    expect(order).toEqual(['right', 'right', 'right']);
    other.close();
  });

  it("judges a caller's next message only after its hold, which doubles, over any of its connections", async () => {
    const firstMs = 200;
    host = await startRpcHost({ settings: { rpcAllowedOrigins: [PAGE] }, guessDelays: { firstMs, maxMs: 5000 } });
    // A page's guess over a WebSocket, then another over HTTP: the page, not the connection, is
    // held, so a new connection does not start afresh (and giving up on an answer changes nothing:
    // the hold starts when the guess is judged, whoever waits for the answer).
    const socket = new WebSocket(`ws://127.0.0.1:${host.server.port}/jsonrpc`, { origin: PAGE });
    await new Promise((resolve) => socket.once('open', resolve));
    const started = Date.now();
    const firstAnswer = new Promise((resolve) => socket.once('message', resolve));
    socket.send(body('first-guess'));
    await firstAnswer;
    socket.terminate();
    const second = await host.post(body('second-guess'), { origin: PAGE });
    expect(JSON.parse(second.body).error.message).toBe('Unauthorized');
    // Held firstMs, then twice as long.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * firstMs);
    // One WebSocket without an Origin: each wrong message holds the next.
    const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/jsonrpc`);
    await new Promise((resolve) => ws.once('open', resolve));
    const answered: number[] = [];
    const three = new Promise<void>((resolve) => ws.on('message', () => answered.push(Date.now()) === 3 && resolve()));
    const sent = Date.now();
    for (let i = 0; i < 3; i++) ws.send(body(`ws-guess-${i}`, i));
    await three;
    expect(answered[2]! - sent).toBeGreaterThanOrEqual(firstMs + 2 * firstMs + 4 * firstMs);
    ws.close();
  });

  it('answers "busy" without judging once too many messages of one caller wait, even one with the right secret', async () => {
    host = await startRpcHost({ settings: { rpcAllowedOrigins: [PAGE] }, guessDelays: { firstMs: 5000, maxMs: 5000 } });
    const line = Array.from({ length: MAX_WAITING + 3 }, () => host!.post(body('wrong'), { origin: PAGE }).catch(() => ({ status: 0, body: '' })));
    // Only "busy" can come back before the first held guess (5 s): the first answer is one.
    const first = await Promise.race(line);
    expect(first.status).toBe(429);
    expect(JSON.parse(first.body).error.message).toMatch(/Too many calls are waiting/);
    const busy = await host.post(body(RPC_TEST_SECRET), { origin: PAGE });
    expect(busy.status).toBe(429);
    // Others are not in that line.
    expect(JSON.parse((await host.post(body(RPC_TEST_SECRET), { origin: EXTENSION })).body).result.version).toBeTypeOf('string');
  });
});
