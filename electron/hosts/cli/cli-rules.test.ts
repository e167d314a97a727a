// Issue 20: `ferry rules` with a fresh HOME edits the data folder's rules (the settings file when no
// Ferry runs there, the running Ferry's over its local channel when one does), and downloads that
// name no folder follow them: an aria2 addUri without dir through `ferry rpc`, and `ferry get` without --dir.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { parseCli } from './args';

const BODY = randomBytes(40_000, 7);
let server: TestServer;
let home: string;
let env: NodeJS.ProcessEnv;
let dataDir: string;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/pub/debian.iso', { body: BODY });
  server.route('/d/1', { redirect: '/blob' });
  server.route('/blob', { body: BODY, headers: { 'content-disposition': 'attachment; filename="scan.img"' } });
});
afterAll(() => server?.close());
beforeEach(async () => {
  home = await makeTempDir('ferry-cli-rules-');
  // A fresh HOME: no settings yet, the default data folder and ~/Downloads inside it.
  env = { HOME: home, XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_CONFIG_HOME: path.join(home, '.config') };
  dataDir = path.join(home, 'data');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(home);
});

const ferry = (args: string[]) => runFerry([...args, '--data-dir', dataDir], { env });

it('lists the built-in rules, adds one first, moves, switches off and removes, in the settings file', async () => {
  const listed = await ferry(['rules', 'list']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout.split('\n').filter(Boolean).map((l) => /^\s*\d+\. (\w+)/.exec(l)?.[1])).toEqual(['Compressed', 'Documents', 'Music', 'Video', 'Programs', 'Images']);
  expect(listed.stdout).toContain(`-> ${path.join(home, 'Downloads', 'Images')}`);

  const added = await ferry(['rules', 'add', '--name', 'Discs', '--match', '*.iso,*.img', '--dir', 'Discs', '--limit', '2M']);
  expect(added.code, added.stderr).toBe(0);
  expect(added.stdout).toMatch(/Added rule Discs \(1 of 7\)/);
  const saved = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { rules: { name: string; speedLimit?: number; enabled: boolean }[] };
  expect(saved.rules[0]).toMatchObject({ name: 'Discs', speedLimit: 2 * 1024 * 1024, enabled: true });

  expect((await ferry(['rules', 'move', 'Discs', '--to', '3'])).stdout).toMatch(/Moved rule Discs to 3 of 7/);
  expect((await ferry(['rules', 'disable', 'music'])).stdout).toMatch(/Rule Music is off/);
  expect((await ferry(['rules', 'remove', 'Video'])).code).toBe(0);
  const after = (await ferry(['rules', 'list'])).stdout;
  expect(after).toMatch(/ 3\. Discs: files \*\.iso,\*\.img -> .*Discs \[limit 2/);
  expect(after).toMatch(/Music \(off\)/);
  // Names as listed (" 3. Discs: ..."), never inside the random temp folder's name.
  expect(after).not.toMatch(/^ *\d+\. Video\b/m);

  // Refused with words, nothing saved: an unknown rule, a folder the OS runs files from, one that climbs out.
  const unknown = await ferry(['rules', 'remove', 'Nope']);
  expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/no rule named Nope/)]);
  const autostart = await ferry(['rules', 'add', '--name', 'Evil', '--match', 'desktop', '--dir', path.join(home, '.config', 'autostart')]);
  expect([autostart.code, autostart.stderr]).toEqual([1, expect.stringMatching(/Rule Evil: Ferry does not save downloads into .*at login/)]);
  const climbing = await ferry(['rules', 'add', '--name', 'Up', '--match', 'x', '--dir', '../up']);
  expect([climbing.code, climbing.stderr]).toEqual([1, expect.stringMatching(/cannot go up/)]);
  const usage = await ferry(['rules', 'add', '--name', 'Nothing', '--dir', 'x']);
  expect([usage.code, usage.stderr]).toEqual([2, expect.stringMatching(/needs something to match/)]);
  const final = (await ferry(['rules', 'list'])).stdout;
  expect(final).toMatch(/^ *1\. Compressed\b/m);
  expect(final).not.toMatch(/^ *\d+\. (Evil|Up|Nothing)\b/m);
});

it('a running ferry rpc sees a rule added over its local channel at once; addUri without dir follows it by the final name', async () => {
  const child = startFerry(['rpc', '--port', '0', '--rpc-secret', 'sixteen-chars-ok', '--data-dir', dataDir], { env });
  const endpoint = (await waitFor(async () => (child.assertRunning(), /Ferry RPC: (http:\/\/127\.0\.0\.1:\d+\/jsonrpc)/.exec(child.stdout())), 30_000, 'the endpoint'))[1]!;
  const added = await ferry(['rules', 'add', '--name', 'Scans', '--match', 'img', '--dir', path.join(home, 'Scans')]);
  expect(added.code, added.stderr).toBe(0);
  const call = async (method: string, params: unknown[]) =>
    ((await (await fetch(endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: ['token:sixteen-chars-ok', ...params] }) })).json()) as { result?: unknown; error?: unknown });
  const gid = (await call('aria2.addUri', [[server.url('/d/1')]])).result as string;
  expect(gid).toMatch(/^[0-9a-f]{16}$/);
  const status = await waitFor(async () => {
    const s = (await call('aria2.tellStatus', [gid, ['status', 'dir', 'files']])).result as { status: string; dir: string; files: { path: string }[] };
    return s.status === 'complete' || s.status === 'error' ? s : undefined;
  }, 30_000, 'the download to end');
  expect(status).toMatchObject({ status: 'complete', dir: path.join(home, 'Scans'), files: [{ path: path.join(home, 'Scans', 'scan.img') }] });
  expect(await readFile(path.join(home, 'Scans', 'scan.img'))).toEqual(BODY);
  await call('aria2.shutdown', []);
  expect((await child.result).code).toBe(0);
});

// `ferry get` without --dir saves through the service's default folder once the CLI leaves the
// folder to it (issue 18's change to `ferry get`); before that it saves into the current folder.
const getLeavesFolderToService = (() => {
  const parsed = parseCli(['get', 'http://127.0.0.1/x'], { cwd: '/', env: {} });
  return parsed.ok && parsed.command.kind === 'get' && parsed.command.directory === undefined;
})();

it.skipIf(!getLeavesFolderToService)('ferry get without --dir files by the rules (needs `ferry get` without --dir to use the settings folder)', async () => {
  expect((await ferry(['rules', 'add', '--name', 'Discs', '--match', 'iso', '--dir', 'Discs'])).code).toBe(0);
  const got = await runFerry(['get', server.url('/pub/debian.iso'), '--quiet', '--data-dir', dataDir], { env, cwd: home });
  expect(got.code, got.stderr).toBe(0);
  const file = path.join(home, 'Downloads', 'Discs', 'debian.iso');
  expect(got.stdout.trim()).toBe(file);
  expect(await readFile(file)).toEqual(BODY);
  await mkdir(path.join(home, 'Downloads'), { recursive: true });
  expect(await readdir(path.join(home, 'Downloads'))).toEqual(['Discs']);
});
