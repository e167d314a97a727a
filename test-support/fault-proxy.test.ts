// The fault proxy itself, against the awkward test server: each fault does what it says, byte-exact.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { randomBytes } from './files';
import { startTestServer, type TestServer } from './http-test-server';

let server: TestServer;
const body = randomBytes(200_000, 3);

beforeAll(async () => {
  server = await startTestServer();
  server.route('/f.bin', { body });
});
afterAll(async () => {
  await server.close();
});

interface RawResult {
  bytes: Buffer;
  /** How the connection ended: 'end' (FIN), 'reset', 'refused', or 'open' when still open at the deadline. */
  ending: 'end' | 'reset' | 'refused' | 'open';
  ms: number;
}

/** A raw HTTP/1.1 GET over TCP, so the test sees exactly the bytes and how the socket closed. */
function rawGet(port: number, path: string, waitMs = 3000): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    let settled = false;
    const done = (ending: RawResult['ending']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), ending, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done('open'), waitMs);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => done('end'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
  });
}

function bodyOf(response: Buffer): Buffer {
  return response.subarray(response.indexOf('\r\n\r\n') + 4);
}

async function withProxy(fn: (proxy: FaultProxy) => Promise<void>): Promise<void> {
  const proxy = await startFaultProxy({ port: server.port });
  try {
    await fn(proxy);
  } finally {
    await proxy.close();
  }
}

describe('fault proxy', () => {
  it('passes a response through unchanged and counts what the server sent', () =>
    withProxy(async (proxy) => {
      const r = await rawGet(proxy.port, '/f.bin');
      expect(r.ending).toBe('end');
      expect(bodyOf(r.bytes).equals(body)).toBe(true);
      expect(proxy.serverBytesSent()).toBe(r.bytes.length);
      expect(proxy.clientBytesSent()).toBeGreaterThan(20);
    }));

  it('cuts after exactly N bytes; the k-th connection meets the k-th fault', () =>
    withProxy(async (proxy) => {
      proxy.script([{ kind: 'cut', afterBytes: 50_000 }, { kind: 'cut', afterBytes: 1234, reset: true }]);
      const first = await rawGet(proxy.port, '/f.bin');
      expect(first.bytes.length).toBe(50_000);
      expect(first.ending).toBe('end');
      const second = await rawGet(proxy.port, '/f.bin');
      expect(second.bytes.length).toBeLessThanOrEqual(1234);
      expect(second.ending).toBe('reset');
      const third = await rawGet(proxy.port, '/f.bin'); // past the script: passes
      expect(bodyOf(third.bytes).equals(body)).toBe(true);
      expect(proxy.connections.map((c) => c.fault.kind)).toEqual(['cut', 'cut', 'pass']);
    }));

  it('resets in the middle of the headers', () =>
    withProxy(async (proxy) => {
      proxy.script([{ kind: 'reset-in-headers' }]);
      const r = await rawGet(proxy.port, '/f.bin');
      expect(r.ending).toBe('reset');
      expect(r.bytes.includes('\r\n\r\n')).toBe(false);
    }));

  it('stalls: N bytes, then silence on an open socket', () =>
    withProxy(async (proxy) => {
      proxy.script([{ kind: 'stall', afterBytes: 10_000 }]);
      const r = await rawGet(proxy.port, '/f.bin', 600);
      expect(r.ending).toBe('open');
      expect(r.bytes.length).toBe(10_000);
    }));

  it('trickles at about the given rate; slow every connection but one', () =>
    withProxy(async (proxy) => {
      proxy.script((k) => (k === 1 ? { kind: 'pass' } : { kind: 'trickle', bytesPerSec: 400_000 }));
      const slow = await rawGet(proxy.port, '/f.bin', 5000);
      const fast = await rawGet(proxy.port, '/f.bin', 5000);
      expect(bodyOf(slow.bytes).equals(body)).toBe(true);
      expect(bodyOf(fast.bytes).equals(body)).toBe(true);
      expect(slow.ms).toBeGreaterThan(400); // 200 kB at 400 kB/s
      expect(fast.ms).toBeLessThan(slow.ms);
    }));

  it('cuts the request direction (uploads) when asked', () =>
    withProxy(async (proxy) => {
      let received = 0;
      let ended = false;
      server.route('/up', (req, res) => {
        req.on('data', (c: Buffer) => (received += c.length));
        req.on('end', () => ((ended = true), res.end('ok')));
      });
      proxy.script([{ kind: 'cut', direction: 'up', afterBytes: 5000 }]);
      const socket = net.connect(proxy.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined);
      socket.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n`);
      socket.write(Buffer.alloc(100_000, 1));
      await new Promise((resolve) => socket.once('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(proxy.connections[0]!.clientSent).toBeGreaterThan(5000); // the client sent more...
      expect(proxy.clientBytesSent()).toBeGreaterThan(5000);
      expect(received).toBeLessThan(5000); // ...but the server got only the first 5000 bytes, headers included
      expect(ended).toBe(false);
    }));

  it('refuses connections for a while, then serves again on the same port', () =>
    withProxy(async (proxy) => {
      proxy.script([{ kind: 'reset-on-connect' }]);
      expect((await rawGet(proxy.port, '/f.bin')).ending).toBe('reset');
      const refusing = proxy.refuseFor(500);
      await new Promise((r) => setTimeout(r, 50));
      expect((await rawGet(proxy.port, '/f.bin')).ending).toBe('refused');
      await refusing;
      const r = await rawGet(proxy.port, '/f.bin');
      expect(bodyOf(r.bytes).equals(body)).toBe(true);
    }));
});
