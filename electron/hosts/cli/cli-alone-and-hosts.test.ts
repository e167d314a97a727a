// A standalone `ferry get` and the hosts (`ferry rpc` here; `ferry serve` and the desktop app open
// Ferry through the same open-host.ts) on one data folder, as processes: Ctrl-C leaves the run's
// download paused for good (a host opening the folder later does not start it; the same command
// continues it), and a host that starts while a run holds the folder waits for it, says so, and
// starts once it is done.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { startNginx, type NginxServer } from '../../../test-support/nginx';
import { seedSettings } from '../../../test-support/rpc-host';
import { runFerry, startFerry, stopStartedFerries, waitFor, type FerryChild } from '../../../test-support/ferry-process';

const SECRET = 'cli-alone-and-hosts-secret';
let tmp: string;
let dir: string;
let dataDir: string;

beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-hosts-');
  dir = path.join(tmp, 'out');
  dataDir = path.join(tmp, 'data');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

async function startRpc(): Promise<{ child: FerryChild; endpoint: string }> {
  const child = startFerry(['rpc', '--port', '0', '--rpc-secret', SECRET, '--data-dir', dataDir]);
  const match = await waitFor(async () => (child.assertRunning(), /Ferry RPC: (http:\/\/127\.0\.0\.1:\d+\/jsonrpc)/.exec(child.stdout())), 60_000, 'the RPC endpoint line');
  return { child, endpoint: match[1]! };
}

async function call<T>(endpoint: string, method: string, ...params: unknown[]): Promise<T> {
  const response = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${SECRET}`, ...params] }) });
  const answer = (await response.json()) as { result?: T; error?: { message: string } };
  if (answer.error) throw new Error(answer.error.message);
  return answer.result!;
}

async function stop(child: FerryChild): Promise<void> {
  child.process.kill('SIGTERM');
  await child.result;
}

async function partSize(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const part = names.find((name) => name.endsWith('.part'));
  return part ? (await stat(path.join(folder, part))).size : 0;
}

describe('Ctrl-C in a standalone get', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('leaves the download paused: `ferry rpc` on the folder later keeps it paused; the same get continues it', async () => {
    const body = randomBytes(2_000_000, 71);
    server.route('/paused.bin', { body, rateBytesPerSec: 500_000 });
    const args = ['get', server.url('/paused.bin'), '--dir', dir, '--data-dir', dataDir, '--connections', '1'];
    const first = startFerry(args);
    await waitFor(async () => (first.assertRunning(), (await partSize(dir)) > 300_000), 30_000, 'the .part file to grow');
    first.process.kill('SIGINT');
    const interrupted = await first.result;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('paused (run the same command again to continue)');
    const requestsBefore = server.requestsFor('/paused.bin').length;

    const rpc = await startRpc();
    const waiting = await call<{ status: string; completedLength: string }[]>(rpc.endpoint, 'aria2.tellWaiting', 0, 10, ['status', 'completedLength']);
    expect(waiting).toEqual([{ status: 'paused', completedLength: expect.any(String) }]);
    const partBefore = await partSize(dir);
    // Long enough for a queued download to have started and connected (the scheduler runs at once).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await call<unknown[]>(rpc.endpoint, 'aria2.tellActive', ['gid'])).toEqual([]);
    expect((await call<{ status: string }[]>(rpc.endpoint, 'aria2.tellWaiting', 0, 10, ['status']))[0]!.status).toBe('paused');
    expect(server.requestsFor('/paused.bin')).toHaveLength(requestsBefore);
    expect(await partSize(dir)).toBe(partBefore);
    await stop(rpc.child);

    // The transfer's own log says why it is paused.
    const records = await readdir(path.join(dataDir, 'transfers'));
    const texts = await Promise.all(records.filter((name) => name.endsWith('.json')).map((name) => readFile(path.join(dataDir, 'transfers', name), 'utf8')));
    expect(texts.join('\n')).toContain('Paused: the `ferry get` that ran it was interrupted; run it again to continue');

    const second = await runFerry(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/continuing an earlier download \(\d+ bytes already there\)/);
    expect(sha256(await readFile(path.join(dir, 'paused.bin')))).toBe(sha256(body));
    expect(server.responsesFor('/paused.bin').at(-1)!.status).toBe(206);
  });
});

describe('a standalone get between two runs of a host', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("leaves the host's queue as it was: the running one resumes, the waiting one still waits (not paused)", async () => {
    seedSettings(dataDir, { maxActive: 1, downloadDirectory: dir });
    server.route('/first.bin', { body: randomBytes(3_000_000, 73), rateBytesPerSec: 300_000 });
    server.route('/second.bin', { body: randomBytes(3_000_000, 74), rateBytesPerSec: 300_000 });
    server.route('/quick.bin', { body: randomBytes(50_000, 75) });
    const before = await startRpc();
    const first = await call<string>(before.endpoint, 'aria2.addUri', [server.url('/first.bin')]);
    const second = await call<string>(before.endpoint, 'aria2.addUri', [server.url('/second.bin')]);
    const statusOf = async (endpoint: string, gid: string) => (await call<{ status: string }>(endpoint, 'aria2.tellStatus', gid, ['status'])).status;
    await waitFor(async () => (await statusOf(before.endpoint, first)) === 'active', 30_000, 'the first download to run');
    expect(await statusOf(before.endpoint, second)).toBe('waiting');
    await stop(before.child);

    const quick = await runFerry(['get', server.url('/quick.bin'), '--dir', path.join(tmp, 'cli'), '--data-dir', dataDir, '-q']);
    expect(quick.code, quick.stderr).toBe(0);

    const after = await startRpc();
    await waitFor(async () => (await statusOf(after.endpoint, first)) === 'active', 30_000, 'the first download to run again');
    expect(await statusOf(after.endpoint, second)).toBe('waiting');
    await stop(after.child);
  });
});

describe('a host starting while a standalone get holds the data folder', () => {
  let nginx: NginxServer;
  const body = randomBytes(1_500_000, 72);
  beforeAll(async () => {
    nginx = await startNginx({ limitRate: '300k', sendChunk: '16k' });
    await import('node:fs/promises').then(({ writeFile }) => writeFile(path.join(nginx.root, 'held.bin'), body));
  });
  afterAll(async () => {
    await nginx.stop();
  });

  it('`ferry rpc` waits for it, saying so, and starts once it is done; the download completes byte-identical', async () => {
    const get = startFerry(['get', `${nginx.baseUrl}/held.bin`, '--dir', dir, '--data-dir', dataDir, '--connections', '1']);
    await waitFor(async () => (get.assertRunning(), (await partSize(dir)) > 0), 30_000, 'the download to start');
    const rpc = startFerry(['rpc', '--port', '0', '--rpc-secret', SECRET, '--data-dir', dataDir]);
    await waitFor(async () => (rpc.assertRunning(), rpc.stderr().includes('waiting for it to finish')), 30_000, 'the waiting line');
    expect(rpc.stderr()).toContain(`downloads of \`ferry get\` (pid ${get.process.pid}) use ${dataDir}: waiting for it to finish, then starting (Ctrl-C to stop)`);
    // While the get runs, the host has not started.
    expect(rpc.stdout()).not.toContain('Ferry RPC:');

    const got = await get.result;
    expect(got.code, got.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'held.bin')))).toBe(sha256(body));
    const match = await waitFor(async () => (rpc.assertRunning(), /Ferry RPC: (http:\/\/127\.0\.0\.1:\d+\/jsonrpc)/.exec(rpc.stdout())), 30_000, 'the host to start');
    // The host now owns the folder: the finished download is in its list.
    const stopped = await call<{ status: string }[]>(match[1]!, 'aria2.tellStopped', 0, 10, ['status']);
    expect(stopped).toEqual([{ status: 'complete' }]);
    await stop(rpc);
  });
});
