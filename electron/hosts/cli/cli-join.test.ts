// `ferry get` while another Ferry owns the data folder (here `ferry rpc`): the downloads are handed
// to it over its local channel (the aria2 RPC is the fallback, see cli-join-put.test.ts) and
// followed to the end, or left to it at once with --detach.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { runFerry, startFerry, stopStartedFerries, waitFor, type FerryChild } from '../../../test-support/ferry-process';
import { proxiesMissing, startMicrosocks } from '../../../test-support/proxies';

const BODY = randomBytes(400_000, 11);
let tmp: string;
let server: TestServer;
let host: FerryChild;
let dataDir: string;

beforeAll(async () => {
  tmp = await makeTempDir('ferry-cli-join-');
  server = await startTestServer();
  server.route('/one.bin', { body: BODY });
  server.route('/two.bin', { body: BODY });
  server.route('/gone.bin', { status: 404 });
  dataDir = path.join(tmp, 'data');
  host = startFerry(['rpc', '--port', '0', '--data-dir', dataDir]);
  await waitFor(async () => (host.assertRunning(), /Ferry RPC: http/.test(host.stdout())), 30_000, 'the running Ferry');
});
afterAll(async () => {
  await stopStartedFerries();
  await server.close();
  await removeDir(tmp);
});

it('get hands its download to the running Ferry and follows it to the end', async () => {
  const dir = path.join(tmp, 'dl');
  const result = await runFerry(['get', server.url('/one.bin'), '--dir', dir, '--out', 'joined.bin', '--sha256', sha256(BODY), '--data-dir', dataDir]);
  expect(result.stderr).toMatch(/running Ferry owns/);
  expect(result.code).toBe(0);
  // The usual `get` output: the running Ferry's events drive the same reporter.
  expect(result.stdout).toMatch(new RegExp(`^done joined\\.bin -> ${path.join(dir, 'joined.bin').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`, 'm'));
  expect(sha256(await readFile(path.join(dir, 'joined.bin')))).toBe(sha256(BODY));
  // The host did the work: the test server saw one request, and no second engine opened the data folder.
  expect(server.requestsFor('/one.bin')).toHaveLength(1);
});

it('get --detach returns once the running Ferry accepted the download', async () => {
  const dir = path.join(tmp, 'dl2');
  const result = await runFerry(['get', server.url('/two.bin'), '--dir', dir, '--detach', '--quiet', '--data-dir', dataDir]);
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toMatch(/^\S+$/); // the transfer's id in the running Ferry
  await waitFor(async () => readFile(path.join(dir, 'two.bin')).then((b) => b.length === BODY.length, () => false), 20_000, 'the detached download');
});

it("get -i hands each entry over with its own options; a failing one and one with headers the channel cannot carry fail alone", async () => {
  const dir = path.join(tmp, 'dl-list');
  const list = [
    server.url('/one.bin'),
    '  out=listed-one.bin',
    `  checksum=sha-256=${sha256(BODY)}`,
    server.url('/gone.bin'),
    server.url('/two.bin'),
    `  dir=${path.join(tmp, 'dl-list-own')}`,
    server.url('/one.bin'),
    '  out=with-header.bin',
    '  header=Authorization: Bearer t',
    '',
  ].join('\n');
  const result = await runFerry(['get', '-i', '-', '--dir', dir, '--data-dir', dataDir], { input: list });
  expect(result.stderr).toMatch(/running Ferry owns/);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/gone\.bin: .*404/);
  expect(result.stderr).toMatch(/standard input line 7 \(.*one\.bin\): its header lines cannot be handed to a running Ferry yet/);
  expect(sha256(await readFile(path.join(dir, 'listed-one.bin')))).toBe(sha256(BODY));
  expect(sha256(await readFile(path.join(tmp, 'dl-list-own', 'two.bin')))).toBe(sha256(BODY));
  expect(await readdir(dir)).toEqual(['listed-one.bin']);
});

it('get reports a failed handed-over download with exit 1', async () => {
  const result = await runFerry(['get', server.url('/gone.bin'), '--dir', path.join(tmp, 'dl3'), '--data-dir', dataDir]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/gone\.bin: .*404/);
});

it.skipIf(proxiesMissing())("get --all-proxy hands its proxy over: the running Ferry goes through it, the password only in its secret store", async () => {
  const socks = await startMicrosocks({ user: 'bob', password: 'join-secret' });
  try {
    const dir = path.join(tmp, 'dl4');
    const result = await runFerry(['get', server.url('/one.bin'), '--dir', dir, '--out', 'proxied.bin', '--data-dir', dataDir, '--all-proxy', socks.url('socks5h')]);
    expect(result.stderr).toMatch(/running Ferry owns/);
    expect(result.code, result.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'proxied.bin')))).toBe(sha256(BODY));
    expect(socks.log()).toContain(`connected to 127.0.0.1:${server.port}`);
    // The running Ferry keeps writing records (a temp file, then a rename): read what is there now.
    const records = (await readdir(path.join(dataDir, 'transfers'))).filter((name) => name.endsWith('.json'));
    expect(records.length).toBeGreaterThan(0);
    for (const name of records) expect(await readFile(path.join(dataDir, 'transfers', name), 'utf8').catch(() => '')).not.toContain('join-secret');
    expect(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')).toContain('join-secret');
  } finally {
    await socks.stop();
  }
});
