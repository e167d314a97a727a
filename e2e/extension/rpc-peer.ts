// The aria2-compatible RPC the extension talks to in its e2e test.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { startAria2c } from '../../test-support/aria2c';

export interface RpcPeer {
  endpoint: string;
  secret: string;
  pid: number;
  /** Waits until a transfer of this URL completed; returns the saved file. */
  waitForCompleted(url: string, timeoutMs?: number): Promise<string>;
  /** How many transfers (any state) the peer holds for this URL. */
  transfersFor(url: string): Promise<number>;
  stop(): Promise<void>;
}

type Status = { gid: string; status: string; files: { path: string; uris: { uri: string }[] }[] };

export async function startRpcPeer(_dataDir: string): Promise<RpcPeer> {
  const aria = await startAria2c();
  const call = async (method: string, ...params: unknown[]): Promise<any> => {
    const res = await fetch(aria.endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${aria.secret}`, ...params] }) });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.result;
  };
  const keys = ['gid', 'status', 'files'];
  const all = async (): Promise<Status[]> => [
    ...((await call('aria2.tellActive', keys)) as Status[]),
    ...((await call('aria2.tellWaiting', 0, 1000, keys)) as Status[]),
    ...((await call('aria2.tellStopped', 0, 1000, keys)) as Status[]),
  ];
  const forUrl = async (url: string) => (await all()).filter((s) => s.files.some((f) => f.uris.some((u) => u.uri === url)));
  let stopped = false;
  return {
    endpoint: aria.endpoint,
    secret: aria.secret,
    pid: aria.pid,
    async waitForCompleted(url, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const done = (await forUrl(url)).find((s) => s.status === 'complete');
        if (done) return done.files[0]!.path;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no completed transfer of ${url} within ${timeoutMs} ms; files: ${(await readdir(aria.dir)).join(', ')} in ${path.basename(aria.dir)}`);
    },
    async transfersFor(url) {
      return (await forUrl(url)).length;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await aria.stop();
    },
  };
}
