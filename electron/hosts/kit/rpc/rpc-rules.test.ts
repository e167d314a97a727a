// Issue 20: an aria2 addUri without `dir` is filed by the user's rules, and a rule's folder counts as
// one the user chose: it may lie outside the folders RPC clients may name themselves. A client that
// names that same folder is still refused (the allowlist is unchanged).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';
import { until } from '../../../../test-support/wait';

const BODY = randomBytes(60_000, 11);
let files: TestServer;
let host: RpcHost;

beforeAll(async () => {
  files = await startTestServer();
  files.route('/get', { redirect: '/real' });
  files.route('/real', { body: BODY, headers: { 'content-disposition': 'attachment; filename="build-7.iso"' } });
  host = await startRpcHost();
});
afterAll(async () => {
  await host?.close();
  await files?.close();
});

it('addUri without dir lands in the rule folder chosen by the final name, outside the allowlist', async () => {
  const discs = path.join(host.home, 'Discs');
  const rules = [{ id: 'discs', name: 'Discs', enabled: true, fileTypes: ['iso'], mimeTypes: [], sites: [], folder: discs }, ...host.settings().rules];
  expect((await host.service.handle('setSettings', { rules }, 'owner')).ok).toBe(true);

  const gid = (await host.call('aria2.addUri', [[files.url('/get')]])).result as string;
  expect(gid).toMatch(/^[0-9a-f]{16}$/);
  await until(() => host.engine.list()[0]?.state === 'completed', 'the download to complete');
  const status = (await host.call('aria2.tellStatus', [gid, ['dir', 'files']])).result as { dir: string; files: { path: string }[] };
  expect(status).toEqual({ dir: discs, files: [expect.objectContaining({ path: path.join(discs, 'build-7.iso') })] });
  expect(await readFile(path.join(discs, 'build-7.iso'))).toEqual(BODY);
  expect(await readdir(host.downloads)).toEqual([]);

  // The rule's folder is the user's choice for downloads that name none, not a door for clients.
  await mkdir(discs, { recursive: true });
  const named = await host.call('aria2.addUri', [[files.url('/get')], { dir: discs }]);
  expect(named.error?.message).toMatch(/does not save into .* only into the download folder/);
});
