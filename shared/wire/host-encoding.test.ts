// An added transfer's view is serialized once for its reply and the 'patches' event that carries it
// to every connection (issue 16: 10,000 adds spent their time serializing each view again and again).
import { describe, expect, it } from 'vitest';
import { memoryTransportPair } from '../../test-support/memory-transport';
import { until } from '../../test-support/wait';
import type { EventName, Events, Reply, Snapshot, TransferPatch } from '../contract';
import { DEFAULT_SETTINGS } from '../settings';
import type { TransferView } from '../transfer';
import { serveContract, type ContractService } from './contract-server';
import { encodeEvent, encodeReply } from './host-encoding';
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
  it('serializes an added view once for the reply and the event, over two connections', async () => {
    const { view, facts, seen } = countedView('a1');
    const listeners = new Set<Emit>();
    const snapshot: Snapshot = { transfers: [], settings: { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp' }, destinations: [] };
    const service: ContractService = {
      snapshot: () => snapshot,
      subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
      handle: async (): Promise<Reply<unknown>> => ({ ok: true, value: [view] }),
    };
    const [hostA, clientA] = memoryTransportPair();
    const [hostB, clientB] = memoryTransportPair();
    serveContract(hostA, service);
    serveContract(hostB, service);
    clientA.send(JSON.stringify({ t: 'call', id: 7, name: 'addDownloads', input: {} }));
    await until(() => hostA.sent.length === 2);
    const patches: TransferPatch[] = [{ id: 'a1', view }];
    for (const listener of listeners) listener('patches', patches);
    await until(() => hostB.sent.length === 2 && hostA.sent.length === 3);

    expect(seen.count).toBe(1);
    expect(JSON.parse(hostA.sent[1]!)).toEqual({ t: 'reply', id: 7, reply: { ok: true, value: [facts] } });
    for (const host of [hostA, hostB]) expect(JSON.parse(host.sent.at(-1)!)).toEqual({ t: 'event', name: 'patches', payload: [{ id: 'a1', view: facts }] });
    hostA.close();
    hostB.close();
  });

  it('writes what encodeMessage writes, for replies and events of every shape', () => {
    const { facts } = countedView('b2');
    const replies: Reply<unknown>[] = [{ ok: true, value: [facts, { ...facts, id: 'c3' }] }, { ok: true, value: [] }, { ok: true, value: null }, { ok: true, value: ['x'] }, { ok: false, error: { code: 'FAILED', message: 'no' } }];
    for (const reply of replies) expect(JSON.parse(encodeReply('q', reply))).toEqual(JSON.parse(encodeMessage({ t: 'reply', id: 'q', reply })));
    const patches: TransferPatch[] = [{ id: 'b2', view: facts }, { id: 'c3', progress: facts.progress }, { id: 'd4', removed: true }];
    expect(JSON.parse(encodeEvent('patches', patches))).toEqual({ t: 'event', name: 'patches', payload: patches });
    expect(JSON.parse(encodeEvent('notice', { level: 'info', message: 'hi' }))).toEqual({ t: 'event', name: 'notice', payload: { level: 'info', message: 'hi' } });
  });
});
