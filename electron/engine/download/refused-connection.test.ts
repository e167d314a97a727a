// A refused connection through the real engine and download worker, on loopback: before any byte
// of the transfer flowed it is most likely a wrong address and fails after two quick tries; once
// bytes flowed it is a server restarting, and the patient retries continue until it is back.
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';

let tmp: string;
let dir: string;
let engine: TransferEngine;

beforeEach(async () => {
  tmp = await makeTempDir('ferry-refused-');
  dir = path.join(tmp, 'downloads');
  await mkdir(dir);
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100 }) },
    // The patient budget (8 tries) with short waits, so the test sees several refused retries quickly.
    settings: { stallTimeoutMs: 5000, retryBaseMs: 100, retryMaxMs: 400, maxRetries: 8 },
  });
});
afterEach(async () => {
  await engine.close();
  await removeDir(tmp);
});

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Serves `body` with range support; `cutAfter`: end the first response after that many bytes. */
async function serve(body: Buffer, port: number, cutAfter?: number): Promise<{ close(): Promise<void>; served(): number }> {
  const sockets = new Set<Socket>();
  let served = 0;
  const server = http.createServer((req, res) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'content-length': String(body.length - start),
      'accept-ranges': 'bytes',
      etag: '"one-version"',
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (cutAfter !== undefined) {
      // Some bytes, a pause so the worker checkpoints them, then the server dies mid-body.
      res.write(body.subarray(start, start + cutAfter), () => void (served += cutAfter));
      return;
    }
    res.end(body.subarray(start));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    served: () => served,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a refused connection', () => {
  it('before any byte flowed: fails after two quick tries, saying nothing listens at host:port', async () => {
    const port = await closedPort();
    const view = await engine.addDownload({ url: `http://127.0.0.1:${port}/x`, directory: dir });
    const [done] = await engine.waitUntilFinished([view.id]);
    expect(done!.state).toBe('failed');
    expect(done!.error?.message).toContain(`Nothing is listening at 127.0.0.1:${port}`);
    expect(done!.error?.message).toContain('gave up after 2 attempts');
  });

  it('before any byte flowed: a server that starts listening within the 2 s wait is reached on the second try', async () => {
    const body = randomBytes(50_000, 22);
    const port = await closedPort();
    const view = await engine.addDownload({ url: `http://127.0.0.1:${port}/late.bin`, directory: dir });
    await waitFor(() => engine.get(view.id)!.log.some((entry) => entry.message.includes(`Nothing is listening at 127.0.0.1:${port}`)), 'the first refusal');
    const late = await serve(body, port);
    try {
      const [done] = await engine.waitUntilFinished([view.id]);
      expect(done!.state, done!.error?.message).toBe('completed');
      expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(body));
    } finally {
      await late.close();
    }
  });

  it('after bytes flowed: a server that died and refuses keeps being retried until it is back', async () => {
    const body = randomBytes(400_000, 21);
    const port = await closedPort();
    const dying = await serve(body, port, 100_000);
    const view = await engine.addDownload({ url: `http://127.0.0.1:${port}/data.bin`, directory: dir });
    await waitFor(() => dying.served() > 0 && (engine.get(view.id)?.progress.bytesDone ?? 0) > 0, 'the first bytes');
    await dying.close();

    // Refused again and again while the server is down: more tries than a first contact gets.
    const refusals = () => engine.get(view.id)!.log.filter((entry) => entry.message.includes(`Nothing is listening at 127.0.0.1:${port}`)).length;
    await waitFor(() => refusals() >= 3, 'three refused retries');
    expect(engine.get(view.id)!.state).not.toBe('failed');

    const back = await serve(body, port);
    try {
      const [done] = await engine.waitUntilFinished([view.id]);
      expect(done!.state, done!.error?.message).toBe('completed');
      expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(body));
    } finally {
      await back.close();
    }
  });
});
