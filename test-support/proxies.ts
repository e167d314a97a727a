// Real proxies from Debian for tests, on 127.0.0.1 with a free port, stopped by pid:
//
//   const http = await startTinyproxy({ connectPorts: [tlsServer.port] });       // HTTP proxy, CONNECT to those ports
//   const authed = await startTinyproxy({ user: 'alice', password: 'pw' });      // 407 without them
//   http.url                         // http://127.0.0.1:PORT (with user:password@ when given)
//   await http.log()                 // tinyproxy's log: one `Request ...: GET http://…` or `CONNECT host:port` per request
//   const socks = await startMicrosocks({ user: 'bob', password: 'pw' });        // SOCKS5, optional user/pass
//   socks.url('socks5h')             // socks5h://bob:pw@127.0.0.1:PORT
//   socks.log()                      // microsocks' output: `client[fd] 127.0.0.1: connected to HOST:PORT` per connection
//   await http.stop(); await socks.stop();
//
// Needs the Debian packages tinyproxy and microsocks (`.ci/run` installs them); proxiesAvailable()
// says which is missing, for a visible skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

const TINYPROXY = '/usr/bin/tinyproxy';
const MICROSOCKS = '/usr/bin/microsocks';

/** Undefined when both proxies are installed; else what is missing, for `it.skipIf` reasons. */
export function proxiesMissing(): string | undefined {
  const missing = [TINYPROXY, MICROSOCKS].filter((bin) => !existsSync(bin));
  return missing.length ? `needs Debian's ${missing.map((m) => path.basename(m)).join(' and ')}` : undefined;
}

export interface TinyproxyOptions {
  /** Ports CONNECT may reach (tinyproxy refuses the others with 403); none listed: every port. */
  connectPorts?: number[];
  /** BasicAuth: requests without these credentials get 407. */
  user?: string;
  password?: string;
}

export interface RunningProxy {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface Tinyproxy extends RunningProxy {
  /** http://[user:password@]127.0.0.1:PORT */
  url: string;
  log(): Promise<string>;
}

export interface Microsocks extends RunningProxy {
  url(scheme?: 'socks5' | 'socks5h'): string;
  log(): string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ferry-tinyproxy-'));
  const port = await freePort();
  const logFile = path.join(dir, 'tinyproxy.log');
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Allow 127.0.0.1',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    `PidFile "${path.join(dir, 'tinyproxy.pid')}"`,
    'MaxClients 100',
    'Timeout 60',
    ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ...(options.user !== undefined ? [`BasicAuth ${options.user} ${options.password ?? ''}`] : []),
  ];
  const config = path.join(dir, 'tinyproxy.conf');
  await writeFile(config, `${lines.join('\n')}\n`);
  const child = spawn(TINYPROXY, ['-d', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = await supervise(child, port, 'tinyproxy', async () => rm(dir, { recursive: true, force: true }));
  const credentials = options.user !== undefined ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@` : '';
  return {
    port,
    pid: child.pid!,
    url: `http://${credentials}127.0.0.1:${port}`,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    stop,
  };
}

export async function startMicrosocks(options: { user?: string; password?: string } = {}): Promise<Microsocks> {
  const port = await freePort();
  const auth = options.user !== undefined ? ['-u', options.user, '-P', options.password ?? ''] : [];
  const child = spawn(MICROSOCKS, ['-i', '127.0.0.1', '-p', String(port), ...auth], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = await supervise(child, port, 'microsocks', async () => undefined);
  const credentials = options.user !== undefined ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@` : '';
  return {
    port,
    pid: child.pid!,
    url: (scheme = 'socks5h') => `${scheme}://${credentials}127.0.0.1:${port}`,
    log: () => output,
    stop,
  };
}

/** Waits for the port; returns stop(): SIGTERM by pid, wait for exit, then clean up. */
async function supervise(child: ChildProcess, port: number, name: string, cleanup: () => Promise<unknown>): Promise<() => Promise<void>> {
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (!(await waitForPort(port, 10_000))) {
    child.kill('SIGKILL');
    await exited;
    running.delete(child);
    await cleanup();
    throw new Error(`${name} did not start on port ${port}: ${stderr.trim()}`);
  }
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(killer);
      }
      running.delete(child);
      await cleanup();
    })());
}
