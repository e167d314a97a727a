// The shared test servers must themselves behave as documented, or every test built on them lies.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, sha256 } from './files';
import { startTestServer, type TestServer } from './http-test-server';
import { startNginx } from './nginx';

describe('http-test-server', () => {
  let server: TestServer;
  const bytes = randomBytes(300_000, 1);
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('serves ranges and honours If-Range', async () => {
    server.route('/f', { body: bytes });
    const full = await fetch(server.url('/f'));
    const etag = full.headers.get('etag')!;
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(server.url('/f'), { headers: { range: 'bytes=1000-', 'if-range': etag } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000))).toBe(true);
    const stale = await fetch(server.url('/f'), { headers: { range: 'bytes=1000-', 'if-range': '"other"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    const past = await fetch(server.url('/f'), { headers: { range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    expect(server.requestsFor('/f')[1]!.headers.range).toBe('bytes=1000-');
  });

  it('cuts the connection after N bytes, then serves normally', async () => {
    server.route('/cut', { body: bytes, cutAfterBytes: 10_000, cutTimes: 1 });
    await expect(fetch(server.url('/cut')).then((r) => r.arrayBuffer())).rejects.toThrow();
    expect(server.responsesFor('/cut')[0]!.bytesSent).toBe(10_000);
    const ok = await fetch(server.url('/cut'));
    expect(sha256(Buffer.from(await ok.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('answers statuses with Retry-After and redirects', async () => {
    server.route('/busy', { statusSequence: [503], retryAfter: '3', body: bytes });
    const busy = await fetch(server.url('/busy'));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('3');
    expect((await fetch(server.url('/busy'))).status).toBe(200);
    server.route('/r', { redirect: '/f' });
    const r = await fetch(server.url('/r'), { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/f');
  });
});

describe('nginx', () => {
  it('serves files with ETag and ranges, and accepts WebDAV PUT', async () => {
    const nginx = await startNginx({ dav: true });
    try {
      const bytes = randomBytes(50_000, 2);
      await writeFile(path.join(nginx.root, 'a.bin'), bytes);
      const res = await fetch(`${nginx.baseUrl}/a.bin`, { headers: { range: 'bytes=10-' } });
      expect(res.status).toBe(206);
      expect(res.headers.get('etag')).toMatch(/^"/);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(10))).toBe(true);
      const put = await fetch(`${nginx.baseUrl}/up/b.bin`, { method: 'PUT', body: new Uint8Array(bytes) });
      expect(put.status).toBe(201);
      expect((await readFile(path.join(nginx.root, 'up', 'b.bin'))).equals(bytes)).toBe(true);
    } finally {
      await nginx.stop();
    }
    await expect(fetch(`${nginx.baseUrl}/a.bin`)).rejects.toThrow();
  });
});
