// `ferry rpc` runs the aria2-compatible RPC alone: prints its endpoint, uses the secret Ferry made
// at first run (or --rpc-secret), and stops on aria2.shutdown with the data folder released.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';

let tmp: string;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-rpc-');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

const call = async (endpoint: string, method: string, params: unknown[]) =>
  (await fetch(endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json() as Promise<{
    result?: unknown;
    error?: { code: number; message: string };
  }>;

it('rpc prints its endpoint, answers with the saved secret only, and stops on aria2.shutdown', async () => {
  const dataDir = path.join(tmp, 'data');
  const child = startFerry(['rpc', '--port', '0', '--data-dir', dataDir]);
  const match = await waitFor(
    async () => (child.assertRunning(), /Ferry RPC: (http:\/\/127\.0\.0\.1:\d+\/jsonrpc)/.exec(child.stdout())),
    30_000,
    'the endpoint line',
  );
  const endpoint = match[1]!;
  const secretFile = path.join(dataDir, 'rpc-secret');
  // The second line may reach the pipe a moment after the first.
  await waitFor(async () => (child.assertRunning(), child.stdout().includes(`Secret: in ${secretFile}`)), 10_000, 'the secret line');
  expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
  const secret = (await readFile(secretFile, 'utf8')).trim();
  expect(child.stdout()).not.toContain(secret); // the secret stays out of terminal logs

  expect((await call(endpoint, 'aria2.getVersion', ['token:guess'])).error).toEqual({ code: 1, message: 'Unauthorized' });
  expect((await call(endpoint, 'aria2.getVersion', [`token:${secret}`])).result).toHaveProperty('version');
  expect((await call(endpoint, 'aria2.shutdown', [`token:${secret}`])).result).toBe('OK');
  expect((await child.result).code).toBe(0);
  await expect(stat(path.join(dataDir, 'cli.lock'))).rejects.toThrow(/ENOENT/);
});

it('rpc takes aria2 flag names and refuses bad ones as usage errors', async () => {
  const bad = await runFerry(['rpc', '--rpc-listen-port', 'eighty']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--port/);
  for (const secret of ['short', 'fifteen-chars-x']) {
    const weak = await runFerry(['rpc', '--rpc-secret', secret]);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/--rpc-secret needs 16 to 128 printable characters/);
  }
});

it('rpc --rpc-allow-origin-all lets any web page call with the secret; without it a page is refused', async () => {
  const secret = 'sixteen-chars-ok';
  for (const flags of [[], ['--rpc-allow-origin-all']]) {
    const child = startFerry(['rpc', '--port', '0', '--rpc-secret', secret, ...flags, '--data-dir', path.join(tmp, `data${flags.length}`)]);
    const endpoint = (await waitFor(async () => (child.assertRunning(), /Ferry RPC: (\S+)/.exec(child.stdout())), 30_000, 'the endpoint line'))[1]!;
    const answer = await fetch(endpoint, { method: 'POST', headers: { origin: 'https://hosted-ariang.example' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'aria2.shutdown', params: [`token:${secret}`] }) });
    if (flags.length === 0) {
      expect(answer.status).toBe(403);
      expect((await call(endpoint, 'aria2.shutdown', [`token:${secret}`])).result).toBe('OK'); // a script, no Origin
    } else {
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(((await answer.json()) as { result: unknown }).result).toBe('OK');
    }
    expect((await child.result).code).toBe(0);
  }
});
