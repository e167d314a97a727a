// Debian's aria2c as a real aria2 JSON-RPC server: the reference Ferry's RPC is compared with, and
// a real peer for the browser extension's hand-off.
//   const aria2c = await startAria2cRpc({ dir, secret });   // aria2c.port, .endpoint, .pid, .close()
//   const aria = await startAria2c();                        // its own temp folder and secret; .stop() removes it
// aria2c is told to exit with this process too (--stop-with-process), so a crashed test leaves nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

export interface Aria2cRpc {
  port: number;
  endpoint: string;
  pid: number;
  close(): Promise<void>;
}

export async function startAria2cRpc(options: { dir: string; secret: string }): Promise<Aria2cRpc> {
  const port = await freePort();
  const child = spawn(
    'aria2c',
    [
      '--enable-rpc',
      `--rpc-listen-port=${port}`,
      `--rpc-secret=${options.secret}`,
      `--dir=${options.dir}`,
      '--no-conf',
      '--quiet',
      '--max-tries=1',
      `--stop-with-process=${process.pid}`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = waitForPort(port, 10_000).then((ok) => {
    if (!ok) throw new Error(`aria2c did not listen on ${port} within 10 s (is Debian's aria2 installed?)`);
  });
  await Promise.race([listening, exited.then(() => Promise.reject(new Error('aria2c exited at start')))]);
  return {
    port,
    endpoint: `http://127.0.0.1:${port}/jsonrpc`,
    pid: child.pid!,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Aria2cServer extends Aria2cRpc {
  secret: string;
  dir: string;
  /** close(), then remove its folder. */
  stop(): Promise<void>;
}

export async function startAria2c(options: { secret?: string } = {}): Promise<Aria2cServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-aria2c-'));
  const secret = options.secret ?? 'aria2c-test-secret';
  const rpc = await startAria2cRpc({ dir, secret });
  return {
    ...rpc,
    secret,
    dir,
    async stop() {
      await rpc.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
