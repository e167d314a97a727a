// Debian's aria2c with its JSON-RPC on, the reference for Ferry's aria2-compatible RPC and a real
// peer for the browser extension's tests.
//
//   const aria = await startAria2c();      // { endpoint, secret, dir, pid, stop() }
//   await aria.stop();                     // SIGTERM by pid, then removes its folder
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

export interface Aria2cServer {
  endpoint: string;
  secret: string;
  port: number;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startAria2c(options: { secret?: string; extraArgs?: string[] } = {}): Promise<Aria2cServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-aria2c-'));
  const port = await freePort();
  const secret = options.secret ?? 'aria2c-test-secret';
  const child = spawn(
    'aria2c',
    ['--enable-rpc', `--rpc-listen-port=${port}`, `--rpc-secret=${secret}`, `--dir=${dir}`, '--quiet', '--no-conf', ...(options.extraArgs ?? [])],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!(await waitForPort(port, 10_000))) {
    child.kill('SIGKILL');
    throw new Error('aria2c did not start listening within 10 s (is Debian\'s aria2 installed?)');
  }
  return {
    endpoint: `http://127.0.0.1:${port}/jsonrpc`,
    secret,
    port,
    dir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
