// An upload's headers stay with the origin of its destination. raw and multipart follow no
// redirect (one request, to the destination); tus sends HEAD and PATCH to the upload URL the
// server names in Location, which may be another origin: there the headers must not go.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../test-support/files';
import { startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import { openUploadEngine, useUploadFixture, waitFor } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

const GIVEN = { Authorization: 'Bearer s3cr3t-token', Cookie: 'session=s3cr3t-cookie', 'X-Api-Key': 's3cr3t-key' };

function leaks(requests: readonly { method: string; headers: http.IncomingHttpHeaders }[]): string[] {
  return requests.flatMap((r) => ['authorization', 'cookie', 'x-api-key'].filter((h) => r.headers[h] !== undefined).map((h) => `${r.method} ${h}`));
}

/** Origin A: takes the creation POST and hands it to the tus server on B, whose Location points at B. */
async function startCreationFront(tusPort: number): Promise<{ endpoint: string; requests: { method: string; headers: http.IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const requests: { method: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', headers: req.headers });
    const forward = http.request(
      { host: '127.0.0.1', port: tusPort, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${tusPort}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/files/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('upload headers and origins', () => {
  it('tus: the creation request at the destination gets them, the upload URL on another origin never does (also after a pause)', async () => {
    const tus = await startTusServer();
    const front = await startCreationFront(tus.port);
    fx.closers.push(() => front.close(), () => tus.close());
    const { file, bytes } = await fx.sourceFile('big.bin', 3 * 1024 * 1024, 9);
    fx.engine = await openUploadEngine(fx.dataDir, {}, { tusChunkSize: 512 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: front.endpoint, protocol: 'tus', headers: GIVEN, speedLimit: 1024 * 1024 });
    await waitFor(() => tus.patchOffsets.length > 0, 20_000, 'a first PATCH');
    await fx.engine.pause(added.id);
    await fx.engine.resume(added.id);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state, done?.error?.message).toBe('completed');
    const [stored] = await tus.uploadedFiles();
    expect(sha256(await readFile(stored!))).toBe(sha256(bytes));
    expect(front.requests.map((r) => r.method)).toEqual(['POST']);
    expect(front.requests[0]!.headers.authorization).toBe(GIVEN.Authorization);
    // B saw the forwarded POST (from A, with A's headers) and then Ferry's own HEAD and PATCHes.
    const fromFerry = tus.requests.slice(1);
    expect(fromFerry.some((r) => r.method === 'HEAD')).toBe(true);
    expect(fromFerry.filter((r) => r.method === 'PATCH').length).toBeGreaterThan(1);
    expect(leaks(fromFerry)).toEqual([]);
  });

  it('tus: an upload URL on the same origin gets them on every request', async () => {
    const tus = await startTusServer();
    fx.closers.push(() => tus.close());
    const { file } = await fx.sourceFile('small.bin', 1024 * 1024, 10);
    fx.engine = await openUploadEngine(fx.dataDir, {}, { tusChunkSize: 256 * 1024 });
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus', headers: GIVEN });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state, done?.error?.message).toBe('completed');
    expect(tus.requests.length).toBeGreaterThan(2);
    for (const r of tus.requests) expect(r.headers.authorization, r.method).toBe(GIVEN.Authorization);
  });

  it('raw: a redirect is the server\'s answer, not followed, so the headers reach nobody else', async () => {
    const raw = await startRawReceiver('see-other');
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('a.bin', 10_000, 11);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/put'), headers: GIVEN });
    await fx.engine.waitUntilFinished([added.id]);
    expect(raw.requestCount()).toBe(1);
    expect(raw.received[0]!.headers.authorization).toBe(GIVEN.Authorization);
  });
});
