// The local channel in-process: framing, the owner-only rule, and a client against a real socket.
// The service behind it is a stand-in that answers every call; the contract's own validation is
// covered by shared/contract.test.ts and, end to end, by cli-join-put.test.ts.
import { once } from 'node:events';
import { chmod, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Reply } from '../../../../shared/contract';
import { DEFAULT_SETTINGS } from '../../../../shared/settings';
import { makeTempDir, removeDir } from '../../../../test-support/files';
import type { FerryService } from '../service/ferry-service';
import { connectLocalControl, ControlCallError } from './client';
import { lineReader, MAX_LINE_BYTES } from './framing';
import { startLocalControl, type LocalControl } from './server';

let tmp: string;
let dataDir: string;
let control: LocalControl | undefined;

beforeEach(async () => {
  tmp = await makeTempDir('ferry-local-control-');
  dataDir = path.join(tmp, 'data');
  await mkdir(dataDir, { mode: 0o700 });
});
afterEach(async () => {
  await control?.close();
  control = undefined;
  await removeDir(tmp);
});

/** Answers `echo` with its input and anything else with an error. */
function standInService(): FerryService {
  return {
    snapshot: () => ({ transfers: [], settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' }, destinations: [] }),
    subscribe: () => () => undefined,
    handle: async (name, input): Promise<Reply<unknown>> =>
      name === 'echo' ? { ok: true, value: input } : { ok: false, error: { code: 'UNKNOWN_REQUEST', message: `Unknown request: ${String(name)}` } },
    emit: () => undefined,
    close: () => undefined,
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

it('answers calls and errors, survives an over-long message, and tells the client when it closes', async () => {
  expect(await connectLocalControl(dataDir)).toBeUndefined(); // nothing listens yet
  control = await startLocalControl({ dataDir, service: standInService() });
  const client = await connectLocalControl(dataDir);
  expect(client).toBeDefined();
  expect(await client!.call('echo' as 'snapshot', { hello: 'there' })).toEqual({ hello: 'there' });
  await expect(client!.call('nothing' as 'snapshot')).rejects.toBeInstanceOf(ControlCallError);

  // A raw connection sends 5 MiB without a line break: an error reply, then it is served again.
  const raw = net.connect(control.path);
  await once(raw, 'connect');
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
