// The wire's server and client over an in-memory transport: what every carrier (WebSocket, local
// socket) gets from them. The carriers' own tests cover framing, sockets and reconnecting.
import { afterEach, describe, expect, it } from 'vitest';
import { memoryTransportPair, type MemoryEnd } from '../../test-support/memory-transport';
import { until } from '../../test-support/wait';
import type { EventName, Events, Reply, Snapshot } from '../contract';
import { REQUEST_NAMES } from '../names';
import { DEFAULT_SETTINGS } from '../settings';
import { contractApi, createContractClient, type ContractClientOptions } from './contract-client';
import { MAX_BUFFERED_BYTES, serveContract, type ContractService } from './contract-server';
import { parseCallMessage } from './messages';

type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Answers `echo` with its input, never answers `hang`, refuses anything else; `emit` reaches every subscriber. */
function standInService() {
  const subscribers = new Set<Emit>();
  const handled: unknown[] = [];
  const snapshot: Snapshot = { transfers: [], settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' }, destinations: [] };
  const service: ContractService = {
    snapshot: () => snapshot,
    subscribe(listener) {
      subscribers.add(listener);
      return () => void subscribers.delete(listener);
    },
    handle(name, input): Promise<Reply<unknown>> {
      handled.push(name);
      if (name === 'hang') return new Promise(() => undefined);
      if (name === 'echo') return Promise.resolve({ ok: true, value: input });
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_REQUEST', message: `Unknown request: ${String(name)}` } });
    },
  };
  const emit: Emit = (event, payload) => subscribers.forEach((s) => s(event, payload));
  return { service, subscribers, handled, emit, snapshot };
}

const WORDS = { lost: 'lost the host', timedOut: (name: string) => `no answer to ${name}` };
const clientOptions = (more: Partial<ContractClientOptions> = {}): ContractClientOptions => ({ callTimeoutMs: 5_000, queueWhileDown: true, words: WORDS, ...more });

const received = (end: MemoryEnd) => end.peer.sent.map((text) => JSON.parse(text) as Record<string, unknown>);

let open: MemoryEnd[] = [];
afterEach(() => {
  for (const end of open) end.close();
  open = [];
});
function pair() {
  const ends = memoryTransportPair();
  open.push(...ends);
  return ends;
}

describe('the contract server', () => {
  it('sends the snapshot first, then held notices, then the service events; answers calls by id', async () => {
    const { service, emit, snapshot } = standInService();
    const [host, client] = pair();
    serveContract(host, service, { heldNotices: [{ level: 'warn', message: 'port taken' }] });
    emit('notice', { level: 'info', message: 'later' });
    client.send(JSON.stringify({ t: 'call', id: 'a', name: 'echo', input: { n: 1 } }));
    await until(() => host.sent.length === 4);
    expect(host.sent.map((text) => JSON.parse(text))).toEqual([
      { t: 'event', name: 'snapshot', payload: snapshot },
      { t: 'event', name: 'notice', payload: { level: 'warn', message: 'port taken' } },
      { t: 'event', name: 'notice', payload: { level: 'info', message: 'later' } },
      { t: 'reply', id: 'a', reply: { ok: true, value: { n: 1 } } },
    ]);
  });

  it('answers anything malformed with an error reply and keeps serving', async () => {
    const { service, handled } = standInService();
    const [host, client] = pair();
    serveContract(host, service);
    client.send('not json');
    client.send('[1,2]');
    client.send(JSON.stringify({ t: 'hello', id: 3 }));
    client.send(JSON.stringify({ t: 'call', name: 'echo' }));
    host.receiveUnreadable('Messages must be JSON text');
    client.send(JSON.stringify({ t: 'call', id: 9, name: 'echo', input: 'still here' }));
    await until(() => host.sent.length === 7);
    const replies = host.sent.slice(1).map((text) => JSON.parse(text) as { id: unknown; reply: { error?: { message: string } } });
    expect(replies.map((r) => [r.id, r.reply.error?.message])).toEqual([
      [null, 'Messages must be JSON text'],
      [null, 'Message is not valid JSON'],
      [null, 'Message must be a JSON object'],
      [3, 'Unknown message type: hello'],
      [null, 'A call needs an id (a number or a short string)'],
      [9, undefined],
    ]);
    expect(handled).toEqual(['echo']);
    expect(host.closedWith).toBeUndefined();
  });

  it('disconnects a client that lets too much pile up, and stops following the service', async () => {
    const { service, subscribers, emit } = standInService();
    const [host] = pair();
    serveContract(host, service);
    expect(subscribers.size).toBe(1);
    host.pretendBuffered(MAX_BUFFERED_BYTES + 1);
    emit('notice', { level: 'info', message: 'one too many' });
    expect(host.closedWith).toBe('Too far behind; reconnect');
    expect(subscribers.size).toBe(0);
    expect(host.sent).toHaveLength(1); // the snapshot; the notice was not sent
  });

  it('stops following the service when the client goes', async () => {
    const { service, subscribers } = standInService();
    const [host, client] = pair();
    serveContract(host, service);
    client.close();
    await until(() => host.closedWith !== undefined);
    expect(subscribers.size).toBe(0);
  });

  it('reads a call only from an object with t "call" and a usable id', () => {
    expect(parseCallMessage('{"t":"call","id":1,"name":"pause","input":{"ids":["a"]}}')).toEqual({ ok: true, id: 1, name: 'pause', input: { ids: ['a'] } });
    expect(parseCallMessage(JSON.stringify({ t: 'call', id: 'x'.repeat(65), name: 'pause' }))).toMatchObject({ ok: false, id: null });
    expect(parseCallMessage('{"t":"call","id":1e999}')).toMatchObject({ ok: false, id: null });
  });
});

describe('the contract client', () => {
  it('calls and follows a served contract: replies by id, events to their listeners', async () => {
    const { service, emit, snapshot } = standInService();
    const [host, end] = pair();
    const client = createContractClient(clientOptions());
    const snapshots: unknown[] = [];
    const notices: unknown[] = [];
    client.on('snapshot', (s) => snapshots.push(s));
    client.on('notice', (n) => notices.push(n));
    serveContract(host, service);
    client.attach(end);
    const [a, b] = await Promise.all([client.call('echo', 'first'), client.call('nothing')]);
    expect(a).toEqual({ ok: true, value: 'first' });
    expect(b).toEqual({ ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request: nothing' } });
    emit('notice', { level: 'info', message: 'hi' });
    await until(() => notices.length === 1);
    expect(snapshots).toEqual([snapshot]);
    expect(received(host).map((m) => [m.t, m.id])).toEqual([
      ['call', 1],
      ['call', 2],
    ]);
  });

  it('settles a call in flight when the connection dies, and a call that takes too long', async () => {
    const { service } = standInService();
    const [host, end] = pair();
    serveContract(host, service);
    const client = createContractClient(clientOptions({ callTimeoutMs: 200 }));
    client.attach(end);
    expect(await client.call('hang')).toEqual({ ok: false, error: { code: 'FAILED', message: 'no answer to hang' } });
    const inFlight = client.call('hang');
    await until(() => received(host).length === 2);
    host.close();
    expect(await inFlight).toEqual({ ok: false, error: { code: 'FAILED', message: 'lost the host' } });
  });

  it('queues calls while down and sends them on the next connection, except those that timed out', async () => {
    const { service } = standInService();
    const client = createContractClient(clientOptions({ callTimeoutMs: 100 }));
    const gaveUp = client.call('echo', 'too early');
    expect(await gaveUp).toMatchObject({ ok: false, error: { message: 'no answer to echo' } });
    const waiting = client.call('echo', 'waited');
    const [host, end] = pair();
    serveContract(host, service);
    client.attach(end);
    expect(await waiting).toEqual({ ok: true, value: 'waited' });
    expect(received(host).map((m) => m.input)).toEqual(['waited']);
  });

  it('a call that timed out still waiting for a connection says it was never sent, where the client has words for it', async () => {
    const client = createContractClient(clientOptions({ callTimeoutMs: 100, words: { ...WORDS, notSent: (name) => `${name} never went out` } }));
    expect(await client.call('echo', 'nobody there')).toMatchObject({ ok: false, error: { message: 'echo never went out' } });
  });

  it('without queueing, a call while down fails at once', async () => {
    const client = createContractClient(clientOptions({ queueWhileDown: false }));
    expect(await client.call('echo')).toEqual({ ok: false, error: { code: 'FAILED', message: 'lost the host' } });
  });

  it('a listener that throws does not keep the others from the event; stray replies have their own listener', async () => {
    const [host, end] = pair();
    const errors: unknown[] = [];
    const client = createContractClient(clientOptions({ onListenerError: (event, error) => errors.push([event, (error as Error).message]) }));
    const seen: unknown[] = [];
    const strays: unknown[] = [];
    client.on('notice', () => {
      throw new Error('boom');
    });
    const off = client.on('notice', (n) => seen.push(n));
    client.onStrayReply((m) => strays.push(m));
    client.attach(end);
    host.send(JSON.stringify({ t: 'event', name: 'notice', payload: 1 }));
    host.send(JSON.stringify({ t: 'reply', id: null, reply: { ok: false, error: { code: 'INVALID_INPUT', message: 'bad' } } }));
    host.send('{"t":"reply","id":1,"reply":"not a reply"}'); // ignored, as is anything a host never sends
    await until(() => strays.length === 1);
    off();
    host.send(JSON.stringify({ t: 'event', name: 'notice', payload: 2 }));
    await until(() => errors.length === 2);
    expect(seen).toEqual([1]);
    expect(errors).toEqual([
      ['notice', 'boom'],
      ['notice', 'boom'],
    ]);
    expect(strays).toEqual([{ t: 'reply', id: null, reply: { ok: false, error: { code: 'INVALID_INPUT', message: 'bad' } } }]);
  });

  it('offers exactly the requests the contract names, plus on', () => {
    const api = contractApi(createContractClient(clientOptions()));
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'on'].sort());
  });
});
