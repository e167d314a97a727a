// `ferry serve` hands over to the headless host: it prints its URL line and stops on SIGINT.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';

let tmp: string;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-serve-');
});
afterEach(async () => {
  await removeDir(tmp);
});

it('serve prints the headless host URL, answers on it, and stops on SIGINT', async () => {
  const child = startFerry(['serve', '--port', '0', '--data-dir', path.join(tmp, 'data')]);
  try {
    const line = await waitFor(async () => (child.assertRunning(), /Ferry UI: (http:\/\/127\.0\.0\.1:\d+)\/#token=[0-9a-f]{64}/.exec(child.stdout())), 30_000, 'the URL line');
    const response = await fetch(`${line[1]}/api/nothing`);
    expect(response.status).toBe(401); // the host is there, and refuses API calls without the token
    child.process.kill('SIGINT');
    const result = await child.result;
    expect(result.code).toBe(0);
  } finally {
    await stopStartedFerries(); // whatever failed above, no server outlives the test
  }
});

it('serve closes cleanly on a Ctrl-C that comes the moment its URL line shows', async () => {
  // Whoever reads the URL may press Ctrl-C at once; the RPC and local channel may still be starting.
  const child = startFerry(['serve', '--port', '0', '--data-dir', path.join(tmp, 'data')]);
  try {
    child.process.stdout!.on('data', () => {
      if (/Ferry UI: http/.test(child.stdout())) child.process.kill('SIGINT');
    });
    const result = await child.result;
    expect(result.signal, result.stderr).toBe(null); // before the fix: killed by the re-raised SIGINT
    expect(result.code).toBe(0);
  } finally {
    await stopStartedFerries();
  }
});

it('serve refuses a bad port as a usage error', async () => {
  const result = await runFerry(['serve', '--port', 'eighty']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--port/);
});

it('serve keeps its port and token across restarts (0600 file in the data folder); --new-token rotates the token', async () => {
  // A fresh user: an empty HOME, a fresh data folder, no --port.
  const home = path.join(tmp, 'home');
  await mkdir(home);
  const dataDir = path.join(tmp, 'data');
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share') };
  const serveOnce = async (extra: string[] = []) => {
    const child = startFerry(['serve', '--data-dir', dataDir, ...extra], { env });
    try {
      const line = await waitFor(async () => (child.assertRunning(), /Ferry UI: http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]{64})/.exec(child.stdout())), 30_000, 'the URL line');
      child.process.kill('SIGINT');
      const result = await child.result;
      expect(result.code, result.stderr).toBe(0);
      return { port: Number(line[1]), token: line[2]!, stderr: result.stderr };
    } finally {
      await stopStartedFerries();
    }
  };
  const first = await serveOnce();
  const second = await serveOnce();
  expect(second.port).toBe(first.port);
  expect(second.token).toBe(first.token);
  const file = path.join(dataDir, 'ui-url');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect((await readFile(file, 'utf8')).trim()).toBe(`http://127.0.0.1:${first.port}/#token=${first.token}`);

  const rotated = await serveOnce(['--new-token']);
  expect(rotated.port).toBe(first.port);
  expect(rotated.token).not.toBe(first.token);
  expect(rotated.stderr).toContain('a new token');
  expect((await readFile(file, 'utf8')).trim()).toBe(`http://127.0.0.1:${first.port}/#token=${rotated.token}`);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
});

it('serve whose kept port is taken by something else listens on a free one and says so', async () => {
  const dataDir = path.join(tmp, 'data');
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const taken = (squatter.address() as AddressInfo).port;
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'ui-url'), `http://127.0.0.1:${taken}/#token=${'a'.repeat(64)}\n`, { mode: 0o600 });
    const child = startFerry(['serve', '--data-dir', dataDir]);
    try {
      const line = await waitFor(async () => (child.assertRunning(), /Ferry UI: http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]{64})/.exec(child.stdout())), 30_000, 'the URL line');
      expect(Number(line[1])).not.toBe(taken);
      expect(line[2]).toBe('a'.repeat(64)); // the token is kept all the same
      expect(child.stderr()).toContain(`port ${taken} is taken by something else`);
      // Whoever holds the token gets in; a stale token is told so.
      expect((await fetch(`http://127.0.0.1:${line[1]}/api/session`, { headers: { 'x-ferry-token': 'a'.repeat(64) } })).status).toBe(204);
      expect((await fetch(`http://127.0.0.1:${line[1]}/api/session`, { headers: { 'x-ferry-token': 'b'.repeat(64) } })).status).toBe(401);
      expect(await (await fetch(`http://127.0.0.1:${line[1]}/host-info.json`)).json()).toEqual({ command: 'ferry serve', urlFile: path.join(dataDir, 'ui-url') });
    } finally {
      await stopStartedFerries();
    }
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});
