// Issue 15, finding 6 and "Also": bounded work per message (1,000 calls in a batch or a multicall,
// 1 MiB per message, 16 calls without the secret: a page without it gets next to nothing done),
// and method names looked up as own entries (toString, constructor ... are no methods).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RPC_TEST_SECRET, startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';

const TOKEN = `token:${RPC_TEST_SECRET}`;
const call = (method: string, params: unknown[] = [], id: unknown = 1) => ({ jsonrpc: '2.0', id, method, params });

describe('what one message may make the RPC do', () => {
  let host: RpcHost;
  beforeAll(async () => {
    host = await startRpcHost();
  });
  afterAll(async () => {
    await host?.close();
  });

  it('answers a text/plain batch of 25,000 listMethods with one small error, not 19 MB', async () => {
    const batch = JSON.stringify(Array.from({ length: 25_000 }, (_, i) => call('system.listMethods', [], i)));
    expect(batch.length).toBeGreaterThan(1_000_000);
    const answer = await host.post(batch, { 'content-type': 'text/plain' });
    expect(answer.body.length).toBeLessThan(1000);
    expect(answer.status === 413 || JSON.parse(answer.body).error !== undefined).toBe(true);
    // Under the size cap too: 1,001 calls without the secret are refused whole.
    const smaller = JSON.stringify(Array.from({ length: 1001 }, (_, i) => call('system.listMethods', [], i)));
    const refused = JSON.parse((await host.post(smaller, { 'content-type': 'text/plain' })).body);
    expect(refused).toEqual({ id: null, jsonrpc: '2.0', error: { code: 1, message: expect.stringMatching(/without the secret a message may hold at most 16 calls/) } });
  });

  it('without the secret, answers at most 16 calls a message (discovery included); multicall entries count', async () => {
    const sixteen = JSON.parse((await host.post(JSON.stringify(Array.from({ length: 16 }, (_, i) => call('system.listMethods', [], i))))).body);
    expect(sixteen).toHaveLength(16);
    expect(sixteen[15].result).toContain('aria2.addUri');
    const seventeen = JSON.parse((await host.post(JSON.stringify(Array.from({ length: 17 }, (_, i) => call('system.listMethods', [], i))))).body);
    expect(seventeen.error.message).toMatch(/at most 16 calls/);
    const inner = Array.from({ length: 20 }, () => ({ methodName: 'system.listNotifications' }));
    expect(JSON.parse((await host.post(JSON.stringify(call('system.multicall', [inner])))).body).error.message).toMatch(/at most 16 calls/);
  });

  it('caps batches and multicalls at 1,000 calls with the secret', async () => {
    const ok = JSON.parse((await host.post(JSON.stringify(Array.from({ length: 1000 }, (_, i) => call('aria2.getVersion', [TOKEN], i))))).body);
    expect(ok).toHaveLength(1000);
    const over = JSON.parse((await host.post(JSON.stringify(Array.from({ length: 1001 }, (_, i) => call('aria2.getVersion', [TOKEN], i))))).body);
    expect(over).toEqual({ id: null, jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request: a batch holds at most 1000 calls' } });
    const entries = (n: number) => Array.from({ length: n }, () => ({ methodName: 'aria2.getVersion', params: [TOKEN] }));
    expect(JSON.parse((await host.post(JSON.stringify(call('system.multicall', [entries(1000)])))).body).result).toHaveLength(1000);
    expect(JSON.parse((await host.post(JSON.stringify(call('system.multicall', [entries(1001)])))).body).error).toEqual({ code: 1, message: 'system.multicall takes at most 1000 calls' });
  });

  it('refuses a body over 1 MiB before reading it all, over POST and WebSocket', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await host.post(big)).status).toBe(413);
    const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/jsonrpc`);
    ws.on('error', () => {});
    await new Promise((resolve) => ws.once('open', resolve));
    const code = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(big);
    expect(await code).toBe(1009);
    expect((await host.call('aria2.getVersion')).result).toHaveProperty('version');
  });

  it('knows no method by a name of Object.prototype (found by the hostile suite, seed 282559896)', async () => {
    for (const method of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__']) {
      expect((await host.call(method)).error, method).toEqual({ code: 1, message: `No such method: ${method}` });
      expect(JSON.parse((await host.post(JSON.stringify(call(method)))).body).error, method).toEqual({ code: 1, message: 'Unauthorized' });
      const multi = JSON.parse((await host.post(JSON.stringify(call('system.multicall', [[{ methodName: method, params: [TOKEN] }]])))).body);
      expect(multi.result, method).toEqual([{ code: 1, message: `No such method: ${method}` }]);
    }
    // Nor do prototype names leak through tellStatus keys or option names.
    const gid = (await host.call('aria2.addUri', [['http://127.0.0.1:9/x'], { pause: 'true', __proto__: 'x', constructor: 'y' }])).result as string;
    expect(gid).toMatch(/^[0-9a-f]{16}$/);
    expect((await host.call('aria2.tellStatus', [gid, ['constructor', '__proto__', 'toString', 'gid']])).result).toEqual({ gid });
    expect(JSON.parse((await host.post(`{"jsonrpc":"2.0","id":1,"method":"aria2.addUri","params":["${TOKEN}",["http://127.0.0.1:9/y"],{"__proto__":{"dir":"/tmp/evil"},"pause":"true"}]}`)).body).error.message).toMatch(/option __proto__ must be a string/);
    expect(host.engine.list().map((v) => v.download?.directory)).toEqual([host.downloads]);
  });
});
