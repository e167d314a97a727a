// Issue 15, finding 7 (origins): only callers without an Origin (scripts, native clients), Ferry's
// own extension, the web origins listed in Settings, or any origin when the user says so may reach
// the RPC, over POST (its CORS answer and the call itself) and over the WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RPC_TEST_SECRET, startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';
import { CHROMIUM_EXTENSION_ID } from '../browser-pairing/extension-ids';

const LISTED = 'https://ariang.example';
const call = (method: string, params: unknown[] = [`token:${RPC_TEST_SECRET}`]) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });

function upgrade(port: number, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/jsonrpc`, origin ? { origin } : {});
    ws.on('open', () => (ws.terminate(), resolve(101)));
    ws.on('unexpected-response', (_req, res) => (res.resume(), resolve(res.statusCode ?? 0)));
    ws.on('error', () => resolve(0));
  });
}

describe('who may call the RPC, by Origin', () => {
  let host: RpcHost;
  beforeAll(async () => {
    host = await startRpcHost({ settings: { rpcAllowedOrigins: [LISTED] } });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('refuses a web page that is not allowed: no CORS answer, no call run, no WebSocket', async () => {
    for (const origin of ['http://evil.example', 'null', 'https://ariang.example.evil.example', 'http://ariang.example', 'chrome-extension://abcdefghijklmnopabcdefghijklmnop']) {
      const preflight = await host.post('', { origin, 'access-control-request-method': 'POST' }, 'OPTIONS');
      expect(preflight.status, origin).toBe(403);
      expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
      // A CORS-simple request (text/plain) needs no preflight: the call itself must not run.
      const simple = await host.post(call('aria2.pauseAll'), { origin, 'content-type': 'text/plain' });
      expect(simple.status, origin).toBe(403);
      expect(simple.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(simple.body).not.toContain('"result"');
      expect(await upgrade(host.server.port, origin), origin).toBe(403);
    }
  });

  it("lets in scripts without an Origin, Ferry's extension and listed origins (normalised), with CORS for browsers", async () => {
    const none = await host.post(call('aria2.getVersion'));
    expect(JSON.parse(none.body).result.version).toBeTypeOf('string');
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    for (const origin of [`chrome-extension://${CHROMIUM_EXTENSION_ID}`, 'moz-extension://2c1f6a3e-54b7-4c1e-9a43-0f1d2e3c4b5a', LISTED, 'https://ARIANG.example:443']) {
      const preflight = await host.post('', { origin, 'access-control-request-method': 'POST' }, 'OPTIONS');
      expect(preflight.status, origin).toBe(200);
      expect(preflight.headers['access-control-allow-origin'], origin).toBe(origin);
      const answer = await host.post(call('aria2.getVersion'), { origin });
      expect(JSON.parse(answer.body).result.version, origin).toBeTypeOf('string');
      expect(await upgrade(host.server.port, origin), origin).toBe(101);
    }
    expect(await upgrade(host.server.port)).toBe(101);
  });

  it('follows Settings at once, and "any origin" (aria2\'s --rpc-allow-origin-all) lets every page call with the secret', async () => {
    const origin = 'https://hosted-ariang.example';
    expect((await host.post(call('aria2.getVersion'), { origin })).status).toBe(403);
    host.changeSettings({ rpcAllowAnyOrigin: true });
    try {
      const answer = await host.post(call('aria2.getVersion'), { origin });
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(answer.body).result.version).toBeTypeOf('string');
      expect(await upgrade(host.server.port, 'null')).toBe(101);
      expect(JSON.parse((await host.post(call('aria2.getVersion', ['token:wrong-guess']), { origin: 'null' })).body).error.message).toBe('Unauthorized');
    } finally {
      host.changeSettings({ rpcAllowAnyOrigin: false });
    }
    expect((await host.post(call('aria2.getVersion'), { origin })).status).toBe(403);
  });

  it('takes "any origin" from the command line too (ferry rpc --rpc-allow-origin-all)', async () => {
    const open = await startRpcHost({ allowAnyOrigin: true });
    try {
      const answer = await open.post(call('aria2.getVersion'), { origin: 'http://anywhere.example' });
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    } finally {
      await open.close();
    }
  });
});
