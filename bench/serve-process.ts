// `ferry serve` as the tray bench runs it: its own HOME and data folder, the memory probe loaded
// (bench/memory-probe.cjs), the UI's URL read from its output, stopped with SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { webSocketTransport } from '../electron/hosts/kit/web/ws-transport';
import { createContractClient } from '../shared/wire/contract-client';

const FERRY_BIN = path.resolve(import.meta.dirname, '..', 'bin', 'ferry.js');
const PROBE = path.resolve(import.meta.dirname, 'memory-probe.cjs');

export interface ServeProcess {
  child: ChildProcess;
  /** The UI's address, token in its fragment, as a user opens it. */
  uiUrl: string;
  port: number;
  token: string;
  memory(): Promise<MemoryReport>;
  stop(): Promise<void>;
}

export interface MemoryReport {
  before: NodeJS.MemoryUsage;
  after: NodeJS.MemoryUsage;
  heapUsedAfterGc: number;
  heapTotal: number;
  snapshot?: string;
  lazyFree: number;
  rssAnon: number;
  rssFile: number;
  /** V8's spaces, physical bytes. */
  spaces: Record<string, number>;
}

export async function startServe(home: string, dataDir: string, options: { heapSnapshot?: boolean } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [FERRY_BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: {
      ...process.env,
      HOME: home,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PROBE}`.trim(),
      FERRY_BENCH_MEMORY_DIR: home,
      ...(options.heapSnapshot ? { FERRY_BENCH_HEAP_SNAPSHOT: '1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const found = /Ferry UI: (http:\/\/127\.0\.0\.1:(\d+))\/#token=([0-9a-f]{64})/.exec(out);
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`ferry serve exited (${code}): ${stderr}`)));
  });
  const report = path.join(home, `${child.pid}.json`);
  return {
    child,
    uiUrl: `${match[1]}/#token=${match[3]}`,
    port: Number(match[2]),
    token: match[3]!,
    async memory() {
      await rm(report, { force: true });
      child.kill('SIGUSR2');
      const started = Date.now();
      for (;;) {
        const text = await readFile(report, 'utf8').catch(() => '');
        if (text) return JSON.parse(text) as MemoryReport;
        if (Date.now() - started > 60_000) throw new Error(`ferry serve wrote no memory report: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface WireClient {
  call(name: string, input: unknown): Promise<{ ok: boolean; error?: { message: string } }>;
  /** Size of the first message (the snapshot), in bytes. */
  firstMessageBytes: Promise<number>;
  close(): void;
}

export function connectWire(serve: Pick<ServeProcess, 'port' | 'token'>): Promise<WireClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/ws?token=${serve.token}`, { origin: `http://127.0.0.1:${serve.port}`, maxPayload: 256 * 1024 * 1024 });
  const firstMessageBytes = new Promise<number>((resolve) => ws.once('message', (data: Buffer) => resolve(data.length)));
  const client = createContractClient({ callTimeoutMs: 10 * 60_000, queueWhileDown: false, words: { lost: 'ferry serve closed the socket', timedOut: (name) => `ferry serve did not answer ${name}` } });
  client.attach(webSocketTransport(ws));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve({ call: (name, input) => client.call(name, input), firstMessageBytes, close: () => ws.close() }));
  });
}
