// The Ferry the extension talks to in its e2e test: `ferry rpc` on a free port, under the test's
// HOME, so that it installs its native-messaging host for that HOME's Chromium itself.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RpcPeer {
  endpoint: string;
  secret: string;
  pid: number;
  /** Waits until a transfer of this URL completed; returns the saved file. */
  waitForCompleted(url: string, timeoutMs?: number): Promise<string>;
  /** How many transfers (any state) Ferry holds for this URL. */
  transfersFor(url: string): Promise<number>;
  /** Each transfer of this URL: its GID, aria2 status and bytes done. */
  statusesFor(url: string): Promise<{ gid: string; status: string; completedLength: string }[]>;
  /** One aria2 call with the secret. */
  call(method: string, ...params: unknown[]): Promise<any>;
  stop(): Promise<void>;
}

type Status = { gid: string; status: string; completedLength: string; errorMessage?: string; files: { path: string; uris: { uri: string }[] }[] };

export async function startFerryRpc(options: { home: string; dataDir: string; downloadDir: string }): Promise<RpcPeer> {
  // Downloads land in the test's folder, not the test HOME's ~/Downloads: the settings the user
  // would have saved (RPC clients may not move the download folder outside where they may save).
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(options.dataDir, 'settings.json'), JSON.stringify({ downloadDirectory: options.downloadDir }), { mode: 0o600 });
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ferry.js'), 'rpc', '--port', '0', '--data-dir', options.dataDir], {
    cwd: ROOT,
    env: { ...process.env, HOME: options.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ferry rpc did not start in 60 s\n${stderr}`)), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^Ferry RPC: (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => reject(new Error(`ferry rpc exited\n${stderr}`)));
  });
  const { secret } = JSON.parse(await readFile(path.join(options.dataDir, 'rpc-endpoint.json'), 'utf8')) as { secret: string };
  const call = async (method: string, ...params: unknown[]): Promise<any> => {
    const res = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${secret}`, ...params] }) });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.result;
  };
  const keys = ['gid', 'status', 'files', 'errorMessage', 'completedLength'];
  const all = async (): Promise<Status[]> => [
    ...((await call('aria2.tellActive', keys)) as Status[]),
    ...((await call('aria2.tellWaiting', 0, 1000, keys)) as Status[]),
    ...((await call('aria2.tellStopped', 0, 1000, keys)) as Status[]),
  ];
  const forUrl = async (url: string) => (await all()).filter((s) => s.files.some((f) => f.uris.some((u) => u.uri === url)));
  return {
    endpoint,
    secret,
    pid: child.pid!,
    async waitForCompleted(url, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: Status[] = [];
      while (Date.now() < deadline) {
        last = await forUrl(url);
        const done = last.find((s) => s.status === 'complete');
        if (done) return done.files[0]!.path;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no completed transfer of ${url} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    },
    async transfersFor(url) {
      return (await forUrl(url)).length;
    },
    async statusesFor(url) {
      return (await forUrl(url)).map(({ gid, status, completedLength }) => ({ gid, status, completedLength }));
    },
    call,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
