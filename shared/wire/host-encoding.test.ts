// An event is serialized once for every connection it goes to (issue 16: 10,000 adds serialized
// each view once for the reply and again for each connection's copy of the patches event).
import { describe, expect, it } from 'vitest';
import { memoryTransportPair } from '../../test-support/memory-transport';
import { until } from '../../test-support/wait';
import type { EventName, Events, Reply, Snapshot, TransferPatch } from '../contract';
import { DEFAULT_SETTINGS } from '../settings';
import type { TransferView } from '../transfer';
import { serveContract, type ContractService } from './contract-server';
import { encodeEvent } from './host-encoding';
import { encodeMessage } from './messages';

type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/** A view that counts how often it is turned into JSON. */
function countedView(id: string) {
  const seen = { count: 0 };
  const facts: TransferView = { id, kind: 'download', state: 'paused', name: `${id}.bin`, url: `http://127.0.0.1:9/${id}.bin`, createdAt: 1, progress: { bytesDone: 0, totalBytes: null, speed: 0, etaSeconds: null }, attempt: 0, log: [] };
  const view = { ...facts, toJSON: () => (seen.count++, facts) } as TransferView;
  return { view, facts, seen };
}

describe('the host encoding', () => {
  it('serializes a patches event once for two connections (and the reply once)', async () => {
    const { view, facts, seen } = countedView('a1');
    const listeners = new Set<Emit>();
    const snapshot: Snapshot = { transfers: [], settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' }, destinations: [] };
    const service: ContractService = {
      snapshot: () => snapshot,
      subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
      handle: async (): Promise<Reply<unknown>> => ({ ok: true, value: [view] }),
    };
    const [hostA, clientA] = memoryTransportPair();
    const [hostB] = memoryTransportPair();
    serveContract(hostA, service);
    serveContract(hostB, service);
    clientA.send(JSON.stringify({ t: 'call', id: 7, name: 'addDownloads', input: {} }));
    await until(() => hostA.sent.length === 2);
    const patches: TransferPatch[] = [{ id: 'a1', view }];
    for (const listener of listeners) listener('patches', patches);
    await until(() => hostB.sent.length === 2 && hostA.sent.length === 3);

    expect(seen.count).toBe(2); // the reply, then the event for both connections
    expect(JSON.parse(hostA.sent[1]!)).toEqual({ t: 'reply', id: 7, reply: { ok: true, value: [facts] } });
    for (const host of [hostA, hostB]) expect(JSON.parse(host.sent.at(-1)!)).toEqual({ t: 'event', name: 'patches', payload: [{ id: 'a1', view: facts }] });
    hostA.close();
    hostB.close();
  });

  it('writes what encodeMessage writes, and a payload sent as another event is encoded for it', () => {
    const { facts } = countedView('b2');
    const patches: TransferPatch[] = [{ id: 'b2', view: facts }, { id: 'c3', progress: facts.progress }, { id: 'd4', removed: true }];
    expect(JSON.parse(encodeEvent('patches', patches))).toEqual({ t: 'event', name: 'patches', payload: patches });
    expect(JSON.parse(encodeEvent('notice', { level: 'info', message: 'hi' }))).toEqual({ t: 'event', name: 'notice', payload: { level: 'info', message: 'hi' } });
    const settings = { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' };
    encodeEvent('settings', settings);
    expect(JSON.parse(encodeEvent('snapshot', { transfers: [], settings, destinations: [] }))).toMatchObject({ name: 'snapshot' });
    expect(encodeEvent('settings', settings)).toBe(encodeMessage({ t: 'event', name: 'settings', payload: settings }));
  });
});
