// Repr-Digest (RFC 9530) and Digest (RFC 3230) from a real server on 127.0.0.1 through the real
// engine and worker: a match completes, a mismatch fails in words and keeps the .part.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';
import { serverDigestOf } from './server-digest';

const b64 = (algorithm: 'sha256' | 'sha512', data: Buffer) => createHash(algorithm).update(data).digest('base64');
const hex = (algorithm: 'sha256' | 'sha512', data: Buffer) => createHash(algorithm).update(data).digest('hex');

describe('serverDigestOf', () => {
  const body = Buffer.from('hello');
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  it('reads RFC 9530 dictionaries, prefers sha-512, ignores unknown and malformed members', () => {
    expect(serverDigestOf(headers({ 'repr-digest': `sha-256=:${b64('sha256', body)}:` }))).toEqual({
      algorithm: 'sha-256',
      hex: hex('sha256', body),
      source: 'Repr-Digest',
    });
    const both = `unixsum=:AAA=:, sha-256=:${b64('sha256', body)}:, sha-512=:${b64('sha512', body)}:`;
    expect(serverDigestOf(headers({ 'repr-digest': both }))?.algorithm).toBe('sha-512');
    expect(serverDigestOf(headers({ 'repr-digest': 'sha-256=:AAAA:' }))).toBeUndefined(); // wrong length
    expect(serverDigestOf(headers({ 'repr-digest': `sha-256=${b64('sha256', body)}` }))).toBeUndefined(); // not a byte sequence
  });
  it('reads RFC 3230 Digest with any letter case; Repr-Digest wins over it', () => {
    expect(serverDigestOf(headers({ digest: `SHA-256=${b64('sha256', body)}` }))?.source).toBe('Digest');
    expect(serverDigestOf(headers({ digest: `md5=abc, sha-256=${b64('sha256', body)}` }))?.hex).toBe(hex('sha256', body));
    const wins = serverDigestOf(headers({ digest: `SHA-256=${b64('sha256', Buffer.from('x'))}`, 'repr-digest': `sha-256=:${b64('sha256', body)}:` }));
    expect(wins).toMatchObject({ source: 'Repr-Digest', hex: hex('sha256', body) });
  });
});

describe('downloads checked against the server digest', () => {
  let server: TestServer;
  let tmp: string;
  let dir: string;
  let engine: TransferEngine;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    tmp = await makeTempDir('ferry-digest-');
    dir = path.join(tmp, 'out');
    await mkdir(dir);
    engine = await TransferEngine.open({
      dataDir: path.join(tmp, 'data'),
      workers: { download: createDownloadWorker() },
      settings: { retryBaseMs: 20, retryMaxMs: 50 },
    });
  });
  afterEach(async () => {
    await engine.close();
    await removeDir(tmp);
  });

  async function get(route: string): Promise<TransferView> {
    const view = await engine.addDownload({ url: server.url(route), directory: dir });
    return (await engine.waitUntilFinished([view.id]))[0]!;
  }

  it('asks with Want-Repr-Digest; a matching sha-512 Repr-Digest completes, also across a resume (206)', async () => {
    const body = randomBytes(300_000, 21);
    const route = `/ok${++n}.bin`;
    server.route(route, { body, cutAfterBytes: 100_000, cutTimes: 1, headers: { 'repr-digest': `sha-512=:${b64('sha512', body)}:` } });
    const done = await get(route);
    expect(done.state, done.error?.message).toBe('completed');
    expect(server.requestsFor(route)[0]!.headers['want-repr-digest']).toMatch(/sha-256/);
    expect(server.requestsFor(route).some((r) => r.headers.range === 'bytes=100000-')).toBe(true);
    expect((await readFile(done.download!.filePath!)).equals(body)).toBe(true);
  });

  for (const [label, headers] of [
    ['Repr-Digest sha-256', (body: Buffer) => ({ 'repr-digest': `sha-256=:${b64('sha256', Buffer.concat([body, Buffer.from('x')]))}:` })],
    ['Digest: SHA-256= (RFC 3230)', (body: Buffer) => ({ digest: `SHA-256=${b64('sha256', body.subarray(1))}` })],
  ] as const) {
    it(`a mismatching ${label} fails in words and keeps the .part`, async () => {
      const body = randomBytes(200_000, 22);
      const route = `/bad${++n}.bin`;
      server.route(route, { body, headers: headers(body) });
      const done = await get(route);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('CHECKSUM_MISMATCH');
      expect(done.error?.message).toMatch(/does not match the server's (Repr-Digest|Digest) \(sha-256\).*kept in .*\.part/);
      const files = await readdir(dir);
      expect(files).toEqual([`${route.slice(1)}.part`]);
      expect((await readFile(path.join(dir, files[0]!))).equals(body)).toBe(true);
    });
  }
});
