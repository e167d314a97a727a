// The local channel in-process: framing, the owner-only rule, a client against a real socket, and
// the handshake against impostors: a program that holds the channel's name without the control
// secret gets nothing from a client (on Windows another user could take a named pipe's name; here
// the fake simply listens where the host would), and a client without the secret gets nothing from
// the host. The handshake runs on every platform. The services behind it are stand-ins; the
// contract's own validation is covered by shared/contract.test.ts and, end to end, by cli-join-put.test.ts.
import { once } from 'node:events';
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import { openControlSocket } from '../../../../test-support/control-socket';
import { makeTempDir, removeDir } from '../../../../test-support/files';
import type { ContractService } from '../../../../shared/wire/contract-server';
import { until } from '../../../../test-support/wait';
import { connectLocalControl, ControlCallError, type ControlClient } from './client';
import { CONTROL_SECRET_FILE, createControlSecret, readControlSecret } from './control-secret';
import { lineReader, MAX_LINE_BYTES } from './framing';
import { startLocalControl, type LocalControl } from './server';
import { controlSocketPath, windowsPipeName } from './socket-path';

let tmp: string;
let dataDir: string;
let control: LocalControl | undefined;
let squatter: net.Server | undefined;

beforeEach(async () => {
  tmp = await makeTempDir('ferry-local-control-');
  dataDir = path.join(tmp, 'data');
  await mkdir(dataDir, { mode: 0o700 });
});
afterEach(async () => {
  await control?.close();
  control = undefined;
  if (squatter) await new Promise((resolve) => squatter!.close(resolve));
  squatter = undefined;
  await removeDir(tmp);
});

/** Answers `echo` with its input and anything else with an error. */
function standInService(): ContractService {
  return {
    snapshot: () => ({ transfers: [], settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' }, destinations: [] }),
    subscribe: () => () => undefined,
    handle: async (name, input): Promise<Reply<unknown>> =>
      name === 'echo' ? { ok: true, value: input } : { ok: false, error: { code: 'UNKNOWN_REQUEST', message: `Unknown request: ${String(name)}` } },
  };
}

it('reads lines split across chunks, also inside a multi-byte character', () => {
  const lines: string[] = [];
  const reader = lineReader((line) => lines.push(line), () => lines.push('TOO LONG'));
  const bytes = Buffer.from('{"a":"é"}\n{"b":1}\n\n{"c"');
  reader.push(bytes.subarray(0, 7)); // ends between the two bytes of é
  reader.push(bytes.subarray(7));
  reader.push(Buffer.from(':2}\n'));
  expect(lines).toEqual(['{"a":"é"}', '{"b":1}', '{"c":2}']);
});

it('reports an over-long line once, skips the rest of it and reads the next', () => {
  const lines: string[] = [];
  const reader = lineReader((line) => lines.push(line), () => lines.push('TOO LONG'));
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  for (let sent = 0; sent <= MAX_LINE_BYTES + chunk.length; sent += chunk.length) reader.push(chunk);
  reader.push(Buffer.from('still the long one\n{"next":true}\n'));
  expect(lines).toEqual(['TOO LONG', '{"next":true}']);
});

it('listens only in a folder no one else may enter', async () => {
  await chmod(dataDir, 0o755);
  await expect(startLocalControl({ dataDir, service: standInService() })).rejects.toThrow(/open to other users \(mode 755\)/);
});

it('leaves no control secret behind when it cannot listen (a data folder too deep for a socket path)', async () => {
  const deep = path.join(dataDir, 'x'.repeat(120));
  await mkdir(deep, { mode: 0o700 });
  await expect(startLocalControl({ dataDir: deep, service: standInService() })).rejects.toThrow(/too long for a local socket/);
  expect(await readControlSecret(deep)).toBeUndefined();
});

it('answers calls and errors, survives an over-long message, and tells the client when it closes', async () => {
  expect(await connectLocalControl(dataDir)).toBeUndefined(); // nothing listens yet
  control = await startLocalControl({ dataDir, service: standInService() });
  const joined = await connectLocalControl(dataDir);
  expect(joined).toBeDefined();
  expect(joined).not.toHaveProperty('refused');
  const client = joined as ControlClient;
  expect(await client!.call('echo' as 'snapshot', { hello: 'there' })).toEqual({ hello: 'there' });
  await expect(client!.call('nothing' as 'snapshot')).rejects.toBeInstanceOf(ControlCallError);

  // A raw connection sends 5 MiB without a line break: an error reply, then it is served again.
  const raw = await openControlSocket(dataDir);
  let received = '';
  raw.on('data', (chunk: Buffer) => (received += chunk.toString()));
  raw.write(Buffer.alloc(5 * 1024 * 1024, 'x'));
  raw.write('\n' + JSON.stringify({ t: 'call', id: 7, name: 'echo', input: 'after' }) + '\n');
  const deadline = Date.now() + 10_000;
  while (!received.includes('"id":7') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const replies = received.trim().split('\n').map((line) => JSON.parse(line) as { t: string; id?: unknown; reply?: Reply<unknown> });
  expect(replies.filter((m) => m.t === 'reply')).toEqual([
    { t: 'reply', id: null, reply: { ok: false, error: { code: 'INVALID_INPUT', message: 'Message too long' } } },
    { t: 'reply', id: 7, reply: { ok: true, value: 'after' } },
  ]);
  raw.destroy();

  const closed = new Promise<void>((resolve) => client!.onClose(resolve));
  await control.close();
  control = undefined;
  await closed;
  expect(await connectLocalControl(dataDir)).toBeUndefined(); // the socket file went with it
});

/** Counts what reaches the service: nothing may, from a client that did not prove the secret. */
function countingService() {
  const seen = { snapshots: 0, calls: [] as unknown[] };
  const service: ContractService = {
    snapshot: () => (seen.snapshots++, { transfers: [], settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' }, destinations: [] }),
    subscribe: () => () => undefined,
    handle: async (name): Promise<Reply<unknown>> => (seen.calls.push(name), { ok: true, value: null }),
  };
  return { service, seen };
}

/** A plain connection to the channel: every line it receives, parsed, and whether the host has closed it. */
async function connectPlain(where: string) {
  const socket = net.connect(where);
  await once(socket, 'connect');
  const got = { socket, lines: [] as Record<string, unknown>[], closed: false };
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString()).split('\n');
    pending = parts.pop()!;
    for (const part of parts) got.lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  socket.on('close', () => (got.closed = true));
  return got;
}

const hex = () => randomBytes(32).toString('hex');
const send = (socket: net.Socket, message: unknown) => socket.write(`${JSON.stringify(message)}\n`);

/** Listens where the host would, without the secret: answers a hello with a made-up proof, or hangs up. */
async function startSquatter(behaviour: 'made-up proof' | 'hang up') {
  const received: string[] = [];
  let connections = 0;
  const done: Promise<void>[] = [];
  squatter = net.createServer((socket) => {
    connections++;
    done.push(once(socket, 'close').then(() => undefined));
    socket.on('data', (chunk: Buffer) => {
      received.push(...chunk.toString().split('\n').filter((l) => l !== ''));
      if (behaviour === 'hang up') return void socket.destroy();
      send(socket, { t: 'hello', v: 1, nonce: hex(), proof: hex() });
    });
  });
  const where = controlSocketPath(dataDir);
  if (!where.ok) throw new Error(where.message);
  await new Promise<void>((resolve) => squatter!.listen(where.path, resolve));
  return { received, connections: () => connections, allClosed: () => Promise.all(done) };
}

describe('a client meeting a program that does not know the secret', () => {
  it('refuses to go on, says why, and sent it nothing but a random nonce', async () => {
    await createControlSecret(dataDir); // as the real Ferry did before the impostor took its place
    const fake = await startSquatter('made-up proof');
    const result = await connectLocalControl(dataDir);
    expect(result).toMatchObject({ refused: true });
    expect((result as { message: string }).message).toMatch(/did not prove it knows this data folder's control secret, so nothing was sent to it/);
    await fake.allClosed();
    expect(fake.received.map((line) => JSON.parse(line))).toEqual([{ t: 'hello', v: 1, nonce: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('says so too when it hangs up during the handshake', async () => {
    await createControlSecret(dataDir);
    await startSquatter('hang up');
    expect(await connectLocalControl(dataDir)).toMatchObject({ refused: true, message: expect.stringMatching(/closed the connection during the handshake; nothing was sent to it/) });
  });

  it('without a secret in the data folder, no Ferry is taken to listen (nothing is sent)', async () => {
    const fake = await startSquatter('made-up proof');
    expect(await connectLocalControl(dataDir)).toBeUndefined();
    expect(fake.connections()).toBe(0);
  });
});

describe('a host meeting a client that does not know the secret', () => {
  const guessedProof = (hostNonce: string, nonce: string) => createHmac('sha256', randomBytes(32)).update(`ferry-control/1 client ${hostNonce} ${nonce}`).digest('hex');
  it.each([
    ['a guessed proof', guessedProof],
    ['64 characters that are not hex', () => 'é'.repeat(64)],
  ])('sends it no snapshot and serves none of its calls (%s), and stays up', async (_what, makeProof) => {
    const { service, seen } = countingService();
    control = await startLocalControl({ dataDir, service });
    const got = await connectPlain(control.path);
    const { socket } = got;
    const nonce = hex();
    send(socket, { t: 'hello', v: 1, nonce });
    await until(() => got.lines.length === 1);
    send(socket, { t: 'proof', proof: makeProof(got.lines[0]!.nonce as string, nonce) });
    send(socket, { t: 'call', id: 1, name: 'addDownloads', input: { urls: ['http://127.0.0.1:9/x'] } });
    await until(() => got.closed);
    expect(got.lines.map((l) => l.t)).toEqual(['hello', 'refused']);
    expect(got.lines[1]).toEqual({ t: 'refused', message: 'The client did not prove it knows this Ferry’s control secret' });
    expect(seen).toEqual({ snapshots: 0, calls: [] });
    const owner = (await connectLocalControl(dataDir)) as ControlClient;
    expect(await owner.call('snapshot')).toBeNull(); // the stand-in's answer: served
    expect(seen.calls).toEqual(['snapshot']);
    owner.close();
  });

  it('answers a client that skips the handshake (a ferry from before it) with words, and nothing else', async () => {
    const { service, seen } = countingService();
    control = await startLocalControl({ dataDir, service });
    const got = await connectPlain(control.path);
    const { socket } = got;
    send(socket, { t: 'call', id: 4, name: 'snapshot' });
    await until(() => got.closed);
    expect(got.lines).toEqual([
      { t: 'reply', id: 4, reply: { ok: false, error: { code: 'FORBIDDEN', message: 'This Ferry’s local channel starts with a handshake: update the ferry command' } } },
      { t: 'refused', message: 'This Ferry’s local channel starts with a handshake: update the ferry command' },
    ]);
    expect(seen).toEqual({ snapshots: 0, calls: [] });
  });

  it('serves a client that knows the secret; the secret is the owner’s alone, new on every start and gone after', async () => {
    const { service, seen } = countingService();
    control = await startLocalControl({ dataDir, service });
    const first = await readControlSecret(dataDir);
    expect((await stat(path.join(dataDir, CONTROL_SECRET_FILE))).mode & 0o777).toBe(0o600);
    const client = await connectLocalControl(dataDir);
    expect(client).not.toHaveProperty('refused');
    await until(() => seen.snapshots === 1);
    await control.close();
    expect(await readControlSecret(dataDir)).toBeUndefined();
    control = await startLocalControl({ dataDir, service });
    expect((await readControlSecret(dataDir))?.equals(first!)).toBe(false);
  });
});

describe('the Windows pipe (named here, not opened: Windows is not available to test on)', () => {
  it('is a local pipe named after the secret, so nobody without it can guess the name', () => {
    const secret = Buffer.alloc(32, 1);
    const name = controlSocketPath('C:\\Users\\me\\AppData\\Roaming\\Ferry', 'win32', secret);
    expect(name).toEqual({ ok: true, path: windowsPipeName(secret) });
    expect(windowsPipeName(secret)).toMatch(/^\\\\\.\\pipe\\ferry-control-[0-9a-f]{32}$/);
    expect(windowsPipeName(Buffer.alloc(32, 2))).not.toBe(windowsPipeName(secret));
    // The same folder with another secret: another name (the folder alone says nothing).
    expect(controlSocketPath('C:\\Users\\me\\AppData\\Roaming\\Ferry', 'win32', Buffer.alloc(32, 3))).not.toEqual(name);
    expect(controlSocketPath('C:\\Users\\me\\AppData\\Roaming\\Ferry', 'win32')).toMatchObject({ ok: false });
  });
});
