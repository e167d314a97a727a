// Debian's aria2c as a real aria2 JSON-RPC server, the reference Ferry's RPC is compared with.
//   const aria2c = await startAria2cRpc({ dir, secret });   // aria2c.port, aria2c.close()
// aria2c is told to exit with this process too (--stop-with-process), so a crashed test leaves nothing.
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Aria2cRpc {
  port: number;
  close(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`aria2c did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
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
  await Promise.race([waitForPort(port, 10_000), exited.then(() => Promise.reject(new Error('aria2c exited at start')))]);
  return {
    port,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
