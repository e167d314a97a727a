// Issue 9, row 5: a 10,000-transfer queue in `ferry serve`, driven over its WebSocket the way a
// client would: 10 calls of 1,000 URLs (the contract's batch limit), then pauseAll and resumeAll,
// the host's resident memory, and the size of the snapshot a newly connecting client receives;
// then issue 17's "Import links…" of 10,000 links (10 listed already) in one importLinks call.
// The URLs point at a loopback server that accepts connections and never answers, so the few
// transfers that start just wait; nothing leaves the machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { webSocketTransport } from '../electron/hosts/kit/web/ws-transport';
import { createContractClient } from '../shared/wire/contract-client';
import { table, type Verdict } from './report';
import { settle } from './settle';

const FERRY_BIN = path.resolve(import.meta.dirname, '..', 'bin', 'ferry.js');
const MB = 1000 * 1000;

export interface QueueBenchOptions {
  transfers: number;
  batch: number;
}

interface Client {
  call(name: string, input: unknown): Promise<{ ok: boolean; error?: { message: string } }>;
  firstMessageBytes: Promise<number>;
  close(): void;
}

export async function queueBench(options: QueueBenchOptions): Promise<Verdict[]> {
  const home = await mkdtemp(path.join(tmpdir(), 'ferry-queue-bench-'));
  const accepted = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    // Accepts, never answers. Kept to destroy at the end: an unread socket never sees its EOF, so
    // server.close() would wait forever (and an idle event loop would end the bench silently).
    accepted.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as net.AddressInfo).port;
  let host: ChildProcess | undefined;
  try {
    const dataDir = path.join(home, 'data');
    // A bundle rebuild after a source edit runs esbuild as a child: it would count as the host's memory.
    await settle();
    host = spawn(process.execPath, [FERRY_BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    host.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      host!.stdout!.on('data', (chunk) => {
        out += String(chunk);
        const match = /Ferry UI: (http:\/\/127\.0\.0\.1:\d+)\/#token=([0-9a-f]{64})/.exec(out);
        if (match) resolve(new URL(`${match[1]}/?token=${match[2]}`));
      });
      host!.once('exit', (code) => reject(new Error(`ferry serve exited (${code}): ${stderr}`)));
    });
    const client = await connect(url);
    await client.firstMessageBytes;
    const rssBefore = await rssOf(host.pid!);

    const addStart = performance.now();
    for (let offset = 0; offset < options.transfers; offset += options.batch) {
      const urls = Array.from({ length: Math.min(options.batch, options.transfers - offset) }, (_, i) => `http://127.0.0.1:${silentPort}/f${offset + i}.bin`);
      const reply = await client.call('addDownloads', { urls, directory: path.join(home, 'downloads') });
      if (!reply.ok) throw new Error(`addDownloads failed: ${reply.error?.message}`);
    }
    const addSeconds = (performance.now() - addStart) / 1000;
    const onDisk = await waitForRecords(path.join(dataDir, 'transfers'), options.transfers);

    const pauseStart = performance.now();
    const paused = await client.call('pauseAll', undefined);
    const pauseSeconds = (performance.now() - pauseStart) / 1000;
    const resumeStart = performance.now();
    const resumed = await client.call('resumeAll', undefined);
    const resumeSeconds = (performance.now() - resumeStart) / 1000;
    if (!paused.ok || !resumed.ok) throw new Error(`pauseAll/resumeAll failed: ${paused.error?.message ?? resumed.error?.message}`);

    const newcomer = await connect(url);
    const snapshotBytes = await newcomer.firstMessageBytes;
    newcomer.close();
    const rssAfter = await rssOf(host.pid!);
    // Issue 17: "Import links…" of 10,000 links, 10 of them listed already (skipped and counted), one call.
    const importLines = Array.from({ length: 10_000 }, (_, i) => (i < 10 ? `http://127.0.0.1:${silentPort}/f${i}.bin` : `http://127.0.0.1:${silentPort}/list/g${i}.bin\n  out=g${i}.bin`));
    const importStart = performance.now();
    const imported = (await client.call('importLinks', { text: `${importLines.join('\n')}\n`, directory: path.join(home, 'downloads') })) as { ok: boolean; value?: { ids: string[]; skipped: number }; error?: { message: string } };
    const importSeconds = (performance.now() - importStart) / 1000;
    if (!imported.ok) throw new Error(`importLinks failed: ${imported.error?.message}`);
    const importCounts = `${imported.value!.ids.length.toLocaleString('en')} added, ${imported.value!.skipped} skipped`;
    client.close();
    const emfile = /EMFILE/.test(stderr);

    console.log(`\n${options.transfers.toLocaleString('en')}-transfer queue in ferry serve, over its WebSocket (${options.transfers / options.batch} calls of ${options.batch})`);
    console.log(
      table(
        ['measure', 'value', 'target'],
        [
          ['add all', `${addSeconds.toFixed(2)} s`, '< 1 s'],
          ['every record in its own file after', onDisk === null ? 'not within 60 s' : `${onDisk.toFixed(2)} s`, ''],
          ['pauseAll', `${pauseSeconds.toFixed(2)} s`, '< 1 s'],
          ['resumeAll', `${resumeSeconds.toFixed(2)} s`, '< 1 s'],
          ['host RSS before / after', `${(rssBefore / MB).toFixed(0)} / ${(rssAfter / MB).toFixed(0)} MB`, '< 200 MB'],
          ['snapshot for a new client', `${(snapshotBytes / MB).toFixed(1)} MB`, '< 20 MB'],
          ['EMFILE in host output', emfile ? 'yes' : 'no', 'no'],
          ['import 10,000 links (10 listed already), one call', `${importSeconds.toFixed(2)} s (${importCounts})`, '< 3 s'],
        ],
      ),
    );
    const n = options.transfers.toLocaleString('en');
    return [
      { row: 5, target: `add ${n} transfers over the WebSocket < 1 s`, measured: `${addSeconds.toFixed(2)} s`, pass: addSeconds < 1 },
      { row: 5, target: `pauseAll and resumeAll of ${n} < 1 s each, no EMFILE`, measured: `${pauseSeconds.toFixed(2)} s / ${resumeSeconds.toFixed(2)} s${emfile ? ', EMFILE seen' : ''}`, pass: pauseSeconds < 1 && resumeSeconds < 1 && !emfile },
      { row: 5, target: `host memory with ${n} transfers < 200 MB`, measured: `${(rssAfter / MB).toFixed(0)} MB RSS`, pass: rssAfter < 200 * MB },
      {
        row: 5,
        target: 'issue 17: import 10,000 links (10 listed already) over the WebSocket < 3 s',
        measured: `${importSeconds.toFixed(2)} s, ${importCounts}`,
        pass: importSeconds < 3 && imported.value!.ids.length === 9990 && imported.value!.skipped === 10,
      },
      { row: 5, target: 'snapshot for a new client < 20 MB', measured: `${(snapshotBytes / MB).toFixed(1)} MB`, pass: snapshotBytes < 20 * MB },
    ];
  } finally {
    if (host && host.exitCode === null) {
      const exited = new Promise((resolve) => host!.once('exit', resolve));
      host.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      if (host.exitCode === null) host.kill('SIGKILL');
    }
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await rm(home, { recursive: true, force: true });
  }
}

function connect(base: URL): Promise<Client> {
  const ws = new WebSocket(`ws://${base.host}/ws?token=${base.searchParams.get('token')}`, { origin: base.origin, maxPayload: 256 * MB });
  const firstMessageBytes = new Promise<number>((resolve) => ws.once('message', (data: Buffer) => resolve(data.length)));
  const client = createContractClient({
    callTimeoutMs: 10 * 60_000,
    queueWhileDown: false,
    words: { lost: 'ferry serve closed the socket', timedOut: (name) => `ferry serve did not answer ${name}` },
  });
  client.attach(webSocketTransport(ws));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve({ call: (name, input) => client.call(name, input), firstMessageBytes, close: () => ws.close() }));
  });
}

async function rssOf(pid: number): Promise<number> {
  // bin/ferry.js may run the host in a child: count the whole tree.
  const pids = [pid, ...(await childrenOf(pid))];
  let total = 0;
  for (const p of pids) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }
  return total;
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const direct = text.trim().split(/\s+/).filter(Boolean).map(Number);
  const nested = await Promise.all(direct.map(childrenOf));
  return [...direct, ...nested.flat()];
}

async function waitForRecords(dir: string, count: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.filter((n) => n.endsWith('.json')).length >= count) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}
