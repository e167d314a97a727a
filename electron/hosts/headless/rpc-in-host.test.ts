// The RPC inside a host with a UI (here `ferry serve`'s headless host): shown in rpcInfo with the
// file that holds its secret (never the secret: the UI is a browser page), switched off and on by
// the settings, and a taken port is a problem to show, not a crash.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { until } from '../../../test-support/wait';
import type { RpcInfo } from '../../../shared/contract';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { controlSocketPath } from '../kit/local-control/socket-path';
import { ENDPOINT_FILE } from '../kit/data-dir/endpoint-file';
import { runHeadlessHost, type HeadlessHost } from './headless-host';

let dir: string;
let host: HeadlessHost | undefined;
beforeEach(async () => {
  dir = await makeTempDir('ferry-rpc-host-');
});
afterEach(async () => {
  await host?.close();
  host = undefined;
  await removeDir(dir);
});

const infoOf = async (h: HeadlessHost) => {
  const reply = await h.service.handle('rpcInfo', undefined);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as RpcInfo;
};
const version = async (endpoint: string, secret: string) => {
  const response = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'aria2.getVersion', params: [`token:${secret}`] }) });
  return ((await response.json()) as { result?: { version: string } }).result?.version;
};

it('prints its lines only once every door is open (a `ferry put` right after the URL joins it)', async () => {
  const dataDir = path.join(dir, 'data');
  const socket = controlSocketPath(dataDir);
  if (!socket.ok) throw new Error(socket.message);
  const openWhenPrinted: boolean[] = [];
  host = await runHeadlessHost({ port: 0,
    dataDir,
    rendererDir: dir,
    handleSignals: false,
    print: () => openWhenPrinted.push(existsSync(socket.path) && existsSync(path.join(dataDir, ENDPOINT_FILE))),
    warn: () => undefined,
    rpc: { port: 0 },
  });
  expect(openWhenPrinted).toEqual([true, true]); // the URL line, then the RPC line
});

it('serves the RPC beside the UI, follows the settings, and says why when the port is taken', async () => {
  const printed: string[] = [];
  const warned: string[] = [];
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const takenPort = (taken.address() as net.AddressInfo).port;
  try {
    host = await runHeadlessHost({ port: 0,
      dataDir: path.join(dir, 'data'),
      rendererDir: dir,
      handleSignals: false,
      print: (line) => printed.push(line),
      warn: (line) => warned.push(line),
      rpc: { port: 0 },
    });
    const info = await infoOf(host);
    const secretFile = path.join(dir, 'data', 'rpc-secret');
    expect(info).toEqual({ enabled: true, endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/jsonrpc$/), secretFile, canCopySecret: false });
    const secret = readFileSync(secretFile, 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(await host.service.handle('snapshot', undefined))).not.toContain(secret);
    // Copying is the desktop app's main process's; here the UI is told where the file is.
    expect(await host.service.handle('copyRpcSecret', undefined)).toMatchObject({ ok: false, error: { message: expect.stringContaining(secretFile) } });
    expect(printed[1]).toBe(`aria2 RPC: ${info.endpoint} (secret in ${secretFile})`);
    expect(await version(info.endpoint!, secret)).toMatch(/^\d/);

    expect((await host.service.handle('setSettings', { rpcEnabled: false })).ok).toBe(true);
    const running = host;
    await until(async () => (await infoOf(running)).endpoint === null);
    expect(await infoOf(host)).toMatchObject({ enabled: false, endpoint: null });
    await expect(version(info.endpoint!, secret)).rejects.toThrow();
    expect((await host.service.handle('setSettings', { rpcEnabled: true })).ok).toBe(true);
    await until(async () => (await infoOf(running)).endpoint !== null);
    const again = await infoOf(host);
    expect(await version(again.endpoint!, secret)).toMatch(/^\d/); // the same secret across restarts
    await host.close();

    host = await runHeadlessHost({ port: 0,
      dataDir: path.join(dir, 'data'),
      rendererDir: dir,
      handleSignals: false,
      print: () => {},
      warn: (line) => warned.push(line),
      rpc: { port: takenPort },
    });
    const blocked = await infoOf(host);
    expect(blocked).toMatchObject({ enabled: true, endpoint: null, problem: expect.stringMatching(/port is in use/) });
    expect(warned.join('\n')).toMatch(/port is in use/);
    expect((await host.service.handle('snapshot', undefined)).ok).toBe(true); // the host itself runs on
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
