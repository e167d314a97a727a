// `ferry put` (and `get`) while another Ferry owns the data folder: the transfers are handed to it
// over its owner-only local channel (a Unix socket in the data folder speaking the contract) and
// followed to the end, or left to it at once with --detach. Real processes, real receivers.
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestName } from '../../../shared/contract';
import { openControlSocket } from '../../../test-support/control-socket';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { startMultipartReceiver, startRawReceiver, startTusServer, type MultipartReceiver, type RawReceiver, type TusTestServer } from '../../../test-support/upload-servers';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';
import { lockDataDir } from '../kit/data-dir-lock';
import { connectLocalControl } from '../kit/local-control/client';
import { createControlSecret } from '../kit/local-control/control-secret';

let tmp: string;
let raw: RawReceiver;
let multipart: MultipartReceiver;
let tus: TusTestServer;
let downloads: TestServer;
/** A fresh HOME: the hosts install browser pairing files there. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = await makeTempDir('ferry-cli-join-put-');
  env = { HOME: path.join(tmp, 'home') };
  [raw, multipart, tus, downloads] = await Promise.all([startRawReceiver(), startMultipartReceiver(), startTusServer(), startTestServer()]);
});
afterAll(async () => {
  await stopStartedFerries();
  await Promise.all([raw.close(), multipart.close(), tus.close(), downloads.close()]);
  await removeDir(tmp);
});

async function startHost(kind: 'serve' | 'rpc', dataDir: string): Promise<void> {
  const host = startFerry([kind, '--port', '0', '--data-dir', dataDir], { env });
  const ready = kind === 'serve' ? /Ferry UI: http/ : /Ferry RPC: http/;
  await waitFor(async () => (host.assertRunning(), ready.test(host.stdout())), 60_000, `ferry ${kind}`);
}

/** One call over the running Ferry's local channel; its reply's value. */
async function callLocal(dataDir: string, name: RequestName, input?: unknown): Promise<unknown> {
  const client = await connectLocalControl(dataDir);
  if (!client || 'refused' in client) throw new Error(`no local channel in ${dataDir}: ${client?.message ?? 'nothing listens'}`);
  try {
    return await client.call(name, input);
  } finally {
    client.close();
  }
}

async function sourceFile(name: string, size: number, seed: number): Promise<{ file: string; body: Buffer }> {
  const body = randomBytes(size, seed);
  const file = path.join(tmp, name);
  await writeFile(file, body);
  return { file, body };
}

/** Every file under a folder, recursively, with its contents. */
/** Every file of a running host's folder; a writer's temp file listed a moment ago may be renamed by now. */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => {
      const file = path.join(e.parentPath, e.name);
      try {
        return { file, text: await readFile(file, 'latin1') };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    }),
  );
  return files.filter((f) => f !== null);
}

describe('with ferry serve running', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(tmp, 'serve-data');
    await startHost('serve', dataDir);
  });

  it('put hands a raw upload with a header to it and follows it: exit 0, the server has the same bytes, the source is untouched', async () => {
    const { file, body } = await sourceFile('report.bin', 600_000, 1);
    const before = await stat(file);
    const result = await runFerry(['put', file, raw.url('/inbox/'), '-H', 'Authorization: Bearer join-token-123', '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/running Ferry owns/);
    expect(result.stdout).toMatch(/^done report\.bin -> http:\/\/127\.0\.0\.1:\d+\/stored\//m);
    const got = raw.received.find((r) => r.path === '/inbox/report.bin');
    expect(got?.sha256).toBe(sha256(body));
    expect(got?.headers.authorization).toBe('Bearer join-token-123');
    const after = await stat(file);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    // The token is in the host's secret store only, not in its records or anywhere else.
    const holding = (await filesUnder(dataDir)).filter((f) => f.text.includes('join-token-123')).map((f) => path.basename(f.file));
    expect(holding).toEqual(['secrets.json']);

    // Removing the upload from the list drops the token too (nothing else names it).
    const snapshot = (await callLocal(dataDir, 'snapshot')) as { transfers: { id: string; name: string }[] };
    const id = snapshot.transfers.find((t) => t.name === 'report.bin')!.id;
    await callLocal(dataDir, 'remove', { ids: [id], deleteFiles: false });
    await waitFor(async () => !(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')).includes('join-token-123'), 10_000, 'the token to leave secrets.json');
  });

  it('put --detach returns once the upload is accepted; the running Ferry finishes it', async () => {
    const { file, body } = await sourceFile('later.bin', 300_000, 2);
    const result = await runFerry(['put', file, raw.url('/detached/'), '--detach', '--quiet', '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\S+$/); // the transfer's id, for scripts
    const got = await waitFor(async () => raw.received.find((r) => r.path === '/detached/later.bin'), 20_000, 'the detached upload');
    expect(got.sha256).toBe(sha256(body));
  });

  it('get joins it over the local channel even with the aria2 RPC off', async () => {
    const dataDirNoRpc = path.join(tmp, 'serve-no-rpc');
    await mkdir(dataDirNoRpc, { recursive: true, mode: 0o700 });
    await writeFile(path.join(dataDirNoRpc, 'settings.json'), JSON.stringify({ rpcEnabled: false }));
    await startHost('serve', dataDirNoRpc);
    await expect(stat(path.join(dataDirNoRpc, 'rpc-endpoint.json'))).rejects.toThrow();
    const body = randomBytes(500_000, 3);
    downloads.route('/joined.bin', { body });
    const dir = path.join(tmp, 'dl');
    const result = await runFerry(['get', downloads.url('/joined.bin'), '--dir', dir, '--sha256', sha256(body), '--quiet', '--data-dir', dataDirNoRpc], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${path.join(dir, 'joined.bin')}\n`);
    expect(sha256(await readFile(path.join(dir, 'joined.bin')))).toBe(sha256(body));
  });
});

describe('with ferry rpc running', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(tmp, 'rpc-data');
    await startHost('rpc', dataDir);
  });

  it('put --tus completes through the running Ferry', async () => {
    const { file, body } = await sourceFile('movie.bin', 900_000, 4);
    const result = await runFerry(['put', file, tus.endpoint, '--tus', '--quiet', '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${tus.endpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S+\\n$`));
    const stored = await tus.uploadedFiles();
    const hashes = await Promise.all(stored.map(async (f) => sha256(await readFile(f))));
    expect(hashes).toContain(sha256(body));
  });

  it('put --multipart with fields completes through the running Ferry', async () => {
    const { file, body } = await sourceFile('photo.jpg', 200_000, 5);
    const result = await runFerry(['put', file, multipart.url('/form'), '--multipart', 'upload', '-F', 'album=trip', '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    const form = multipart.received.find((f) => f.files.some((p) => p.fileName === 'photo.jpg'));
    expect(form?.fields).toEqual({ album: 'trip' });
    expect(form?.files[0]).toMatchObject({ field: 'upload', sha256: sha256(body) });
  });

  it('a refused upload ends with exit 1 naming the status', async () => {
    const { file } = await sourceFile('refused.bin', 50_000, 6);
    downloads.route('/forbidden/refused.bin', (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(403).end('no uploads here'));
    });
    const result = await runFerry(['put', file, downloads.url('/forbidden/'), '--data-dir', dataDir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused\.bin.*403.*no uploads here/);
  });

  it('the socket is 0600 inside a 0700 folder; malformed messages get error replies and the host stays up', async () => {
    const socketPath = path.join(dataDir, 'control.sock');
    const socketInfo = await stat(socketPath);
    expect(socketInfo.isSocket()).toBe(true);
    expect(socketInfo.mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    const socket = await openControlSocket(dataDir);
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop()!;
      for (const part of parts) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    const replies = () => lines.filter((l) => l.t === 'reply');
    socket.write('this is not json\n');
    socket.write('[1,2]\n');
    socket.write(JSON.stringify({ t: 'call', id: 1, name: 'addUploadsTo', input: { uploads: [{ path: '/etc/passwd', url: 'ftp://x' }] } }) + '\n');
    socket.write(JSON.stringify({ t: 'call', id: 2, name: 'noSuchRequest' }) + '\n');
    socket.write(JSON.stringify({ t: 'call', id: 3, name: 'snapshot' }) + '\n');
    await waitFor(async () => replies().length >= 5, 10_000, 'five replies');
    expect(lines[0]).toMatchObject({ t: 'event', name: 'snapshot' });
    const byId = new Map(replies().map((r) => [r.id, r.reply as { ok: boolean; error?: { code: string } }]));
    expect(replies().filter((r) => r.id === null).map((r) => (r.reply as { error: { code: string } }).error.code)).toEqual(['INVALID_INPUT', 'INVALID_INPUT']);
    expect(byId.get(1)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(byId.get(2)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REQUEST' } });
    expect(byId.get(3)).toMatchObject({ ok: true });
    socket.destroy();

    // Still serving: a put after all that completes.
    const { file, body } = await sourceFile('after.bin', 100_000, 7);
    const result = await runFerry(['put', file, raw.url('/after/'), '--quiet', '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(raw.received.find((r) => r.path === '/after/after.bin')?.sha256).toBe(sha256(body));
  });

  it('get falls back to the aria2 RPC when the local channel is gone, saving only where RPC clients may', async () => {
    const dir = path.join(tmp, 'dl-fallback');
    // Over the RPC the CLI is an RPC client: its folder must be one the owner listed in Settings.
    await callLocal(dataDir, 'setSettings', { rpcSaveFolders: [dir] });
    await rm(path.join(dataDir, 'control.sock'));
    const body = randomBytes(200_000, 8);
    downloads.route('/fallback.bin', { body });
    const elsewhere = await runFerry(['get', downloads.url('/fallback.bin'), '--dir', path.join(tmp, 'elsewhere'), '--data-dir', dataDir], { env });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/does not save into .*elsewhere.* only into the download folder/);
    const result = await runFerry(['get', downloads.url('/fallback.bin'), '--dir', dir, '--data-dir', dataDir], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`done ${path.join(dir, 'fallback.bin')}`); // the RPC follower's line
    expect(sha256(await readFile(path.join(dir, 'fallback.bin')))).toBe(sha256(body));
    // A -i list goes over as one addUri per entry with its own options, headers included.
    downloads.route('/fallback-listed.bin', { body });
    const list = `${downloads.url('/fallback-listed.bin')}\n  out=listed.bin\n  header=X-Listed: 1\n`;
    const listed = await runFerry(['get', '-i', '-', '--dir', dir, '--data-dir', dataDir], { env, input: list });
    expect(listed.code, listed.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'listed.bin')))).toBe(sha256(body));
    expect(downloads.requestsFor('/fallback-listed.bin')[0]!.headers['x-listed']).toBe('1');
    // put has no RPC fallback, on purpose: it is refused by the lock as before.
    const { file } = await sourceFile('nowhere.bin', 1000, 9);
    const put = await runFerry(['put', file, raw.url('/nowhere/'), '--data-dir', dataDir], { env });
    expect(put.code).toBe(1);
    expect(put.stderr).toMatch(/ferry: another ferry \(pid \d+\) is using/);
  });
});

it('Ctrl-C stops following only (the upload goes on); a running Ferry that dies ends the follower with exit 1', async () => {
  const dataDir = path.join(tmp, 'short-lived');
  const host = startFerry(['rpc', '--port', '0', '--data-dir', dataDir], { env });
  await waitFor(async () => (host.assertRunning(), /Ferry RPC: http/.test(host.stdout())), 60_000, 'ferry rpc');
  const { file } = await sourceFile('slow.bin', 2_000_000, 10);

  const first = startFerry(['put', file, raw.url('/slow1/'), '--limit', '100K', '--data-dir', dataDir], { env });
  await waitFor(async () => raw.bodyBytesRead() > 0 && /running Ferry owns/.test(first.stderr()), 20_000, 'the first upload to start');
  first.process.kill('SIGINT');
  const interrupted = await first.result;
  expect(interrupted.code, `signal ${interrupted.signal}; stderr: ${interrupted.stderr}`).toBe(130);
  expect(interrupted.stderr).toMatch(/stopped following; 1 transfer\(s\) go on in the running Ferry/);
  const readAfterStop = raw.bodyBytesRead();
  await waitFor(async () => raw.bodyBytesRead() > readAfterStop + 50_000, 10_000, 'the upload to go on without its follower');

  const second = startFerry(['put', file, raw.url('/slow2/'), '--limit', '100K', '--data-dir', dataDir], { env });
  await waitFor(async () => /running Ferry owns/.test(second.stderr()), 20_000, 'the second put to follow');
  host.process.kill('SIGKILL');
  const orphaned = await second.result;
  expect(orphaned.code).toBe(1);
  expect(orphaned.stderr).toMatch(/lost the running Ferry/);
}, 60_000);

describe('with an impostor holding the local channel', () => {
  it('put and get send it nothing of theirs (no header value, no URL) and end with exit 1, saying why', async () => {
    const dataDir = path.join(tmp, 'squatted');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // A Ferry (this test) owns the folder and made its control secret; an impostor listens instead.
    const lock = await lockDataDir(dataDir);
    if (!lock.ok) throw new Error(lock.message);
    await createControlSecret(dataDir);
    const received: string[] = [];
    const impostor = net.createServer((socket) =>
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk.toString());
        // It answers a hello with a proof it cannot make (and hangs up on anything else).
        if (chunk.toString().includes('"hello"')) socket.write(`${JSON.stringify({ t: 'hello', v: 1, nonce: 'ab'.repeat(32), proof: 'cd'.repeat(32) })}\n`);
        else socket.destroy();
      }),
    );
    impostor.listen(path.join(dataDir, 'control.sock'));
    await once(impostor, 'listening');
    try {
      const { file } = await sourceFile('squat.bin', 1000, 10);
      const put = await runFerry(['put', file, raw.url('/squat/'), '-H', 'Authorization: Bearer squat-token-456', '--data-dir', dataDir], { env });
      expect(put.code).toBe(1);
      expect(put.stderr).toMatch(/did not prove it knows this data folder's control secret, so nothing was sent to it/);
      downloads.route('/squat.bin', { body: randomBytes(1000, 11) });
      const get = await runFerry(['get', downloads.url('/squat.bin'), '--dir', path.join(tmp, 'dl-squat'), '--data-dir', dataDir], { env });
      expect(get.code).toBe(1);
      expect(get.stderr).toMatch(/did not prove it knows/);
      const heard = received.join('');
      expect(heard).not.toContain('squat-token-456');
      expect(heard).not.toContain('squat.bin');
      expect(heard.trim().split('\n').map((line) => JSON.parse(line).t)).toEqual(['hello', 'hello']);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
      await lock.release();
    }
  });
});
