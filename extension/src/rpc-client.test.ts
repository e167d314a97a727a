// The extension's hand-off against Debian's aria2c (the protocol's reference), against Ferry's own
// RPC, and against fronts that are slow or lose an answer.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runStandaloneRpc, type StandaloneRpc } from '../../electron/hosts/rpc/standalone';
import { startAria2c, type Aria2cServer } from '../../test-support/aria2c';
import { makeTempDir, removeDir } from '../../test-support/files';
import { describeServer, handOff, probe, tellStatuses } from './rpc-client';
import { newGid } from './submission';

let aria: Aria2cServer;
let ferry: StandaloneRpc;
let ferryData: string;
beforeAll(async () => {
  aria = await startAria2c();
  ferryData = await makeTempDir('ferry-ext-rpc-');
  ferry = await runStandaloneRpc({ dataDir: ferryData, port: 0, secret: 'ferry-ext-test-secret', handleSignals: false, print: () => {} });
});
afterAll(async () => {
  await aria?.stop();
  await ferry?.close();
  if (ferryData) await removeDir(ferryData);
});

async function rpc(method: string, params: unknown[], target = { endpoint: aria.endpoint, secret: aria.secret }): Promise<any> {
  const res = await fetch(target.endpoint, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${target.secret}`, ...params] }) });
  return res.json();
}

/** A front of aria2c that forwards each request but drops the first `drop` answers on the floor (reset). */
async function lossyFront(drop: number, behind: string): Promise<{ url: string; close(): Promise<void>; requests: number }> {
  const state = { requests: 0 };
  const server = http.createServer(async (req, res) => {
    state.requests++;
    const body = await new Promise<string>((ok) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => ok(text));
    });
    const answer = await fetch(behind, { method: 'POST', body });
    const text = await answer.text();
    if (state.requests <= drop) return req.socket.destroy();
    res.setHeader('content-type', 'application/json');
    res.end(text);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jsonrpc`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

const submission = (gid = newGid()) => ({ url: 'http://127.0.0.1:9/never.bin', userAgent: 'UA', gid, cookieHeader: 'k=v', referrer: 'http://127.0.0.1:9/page' });

test('accepted by aria2c: the answer is the gid we chose, and aria2c holds our options', async () => {
  const s = submission();
  const result = await handOff({ endpoint: aria.endpoint, secret: aria.secret }, s, 2000);
  expect(result).toEqual({ accepted: true, gid: s.gid });
  const status = await rpc('aria2.getOption', [s.gid]);
  expect(status.result.referer).toBe('http://127.0.0.1:9/page');
  expect(status.result['user-agent']).toBe('UA');
  await rpc('aria2.forceRemove', [s.gid]);
});

test('a wrong secret is not accepted, with aria2c\'s reason', async () => {
  // aria2c answers a wrong secret only after about 2 s (its brake on guessing).
  const result = await handOff({ endpoint: aria.endpoint, secret: 'wrong' }, submission(), 6000);
  expect(result).toEqual({ accepted: false, reason: 'Unauthorized' });
});

test('nobody listening: not accepted at once (the browser keeps its download)', async () => {
  const started = Date.now();
  const result = await handOff({ endpoint: 'http://127.0.0.1:9/jsonrpc', secret: 's' }, submission(), 5000);
  expect(result.accepted).toBe(false);
  expect(Date.now() - started).toBeLessThan(2000); // refused at once, well before the budget
});

test('a Ferry that does not answer within the budget: not accepted, in time', async () => {
  const server = http.createServer(() => undefined); // never answers
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jsonrpc`;
  const started = Date.now();
  const result = await handOff({ endpoint, secret: 's' }, submission(), 500);
  const took = Date.now() - started;
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  expect(result).toEqual({ accepted: false, reason: expect.stringMatching(/no answer within/) });
  expect(took).toBeLessThan(3_000); // the budget holds (without one this would wait forever); slack for a busy machine
});

for (const peer of ['aria2c', 'Ferry'] as const) {
  test(`a lost answer is resent with the same gid: accepted, and ${peer} holds exactly one transfer`, async () => {
    const target = peer === 'aria2c' ? { endpoint: aria.endpoint, secret: aria.secret } : { endpoint: ferry.server.endpoint, secret: ferry.secret };
    const front = await lossyFront(1, target.endpoint);
    const s = submission();
    const result = await handOff({ endpoint: front.url, secret: target.secret }, s, 3000);
    await front.close();
    expect(result).toEqual({ accepted: true, gid: s.gid });
    expect(front.requests).toBe(3); // addUri (answer lost), addUri again (refused: gid known), tellStatus
    const lists = await Promise.all([
      rpc('aria2.tellWaiting', [0, 100, ['gid']], target),
      rpc('aria2.tellActive', [['gid']], target),
      rpc('aria2.tellStopped', [0, 100, ['gid']], target),
    ]);
    const all = lists.flatMap((l) => l.result as { gid: string }[]).filter((d) => d.gid === s.gid);
    expect(all).toHaveLength(1);
    await rpc('aria2.forceRemove', [s.gid], target);
  });
}

test('probe reads the version, or says why not', async () => {
  const ok = await probe({ endpoint: aria.endpoint, secret: aria.secret }, 2000);
  expect(ok).toMatchObject({ ok: true, version: expect.stringMatching(/^\d+\.\d+/) });
  expect(ok).not.toHaveProperty('ferryVersion');
  expect(describeServer(ok as { version: string })).toMatch(/^an aria2-compatible server \(aria2 \d/);
  expect(await probe({ endpoint: aria.endpoint, secret: 'nope' }, 6000)).toEqual({ ok: false, reason: 'Unauthorized' });
});

test('"Test connection" names Ferry\'s own version, not aria2\'s number', async () => {
  const answer = await probe({ endpoint: ferry.server.endpoint, secret: ferry.secret }, 2000);
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
  expect(answer).toEqual({ ok: true, version: '1.36.0', ferryVersion: pkg.version });
  expect(describeServer(answer as { version: string; ferryVersion: string })).toBe(`Ferry ${pkg.version}`);
});

for (const peer of ['aria2c', 'Ferry'] as const) {
  test(`tellStatuses: the progress of several handoffs in one call (${peer}); a GID it does not have is undefined`, async () => {
    const target = peer === 'aria2c' ? { endpoint: aria.endpoint, secret: aria.secret } : { endpoint: ferry.server.endpoint, secret: ferry.secret };
    const s = submission();
    expect(await handOff(target, { ...s, url: 'http://127.0.0.1:9/paused.bin' }, 2000)).toEqual({ accepted: true, gid: s.gid });
    await rpc('aria2.forcePause', [s.gid], target);
    const answer = await tellStatuses(target, [s.gid, '00000000000000ff'], 2000);
    expect(answer.ok).toBe(true);
    const [known, unknown] = (answer as { statuses: unknown[] }).statuses;
    expect(known).toMatchObject({ gid: s.gid, status: expect.stringMatching(/^(paused|error|waiting)$/), totalLength: expect.any(String), completedLength: expect.any(String) });
    expect(unknown).toBeUndefined();
    expect(await tellStatuses({ ...target, secret: 'wrong-secret' }, [s.gid], 6000)).toMatchObject({ ok: false });
    await rpc('aria2.forceRemove', [s.gid], target);
  });
}
