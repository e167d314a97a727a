// The preload exposes the contract's API and nothing else; every `on` returns a working unsubscribe.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { REQUEST_NAMES } from '../shared/contract';
import { callChannel, EVENT_CHANNEL } from './hosts/kit/ipc/channels';

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, Record<string, unknown>>(),
  invoked: [] as { channel: string; input: unknown }[],
  renderer: undefined as unknown as import('node:events').EventEmitter,
}));
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  bridge.renderer = new Emitter();
  return {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => bridge.exposed.set(key, api) },
    ipcRenderer: Object.assign(bridge.renderer, {
      invoke: async (channel: string, input: unknown) => {
        bridge.invoked.push({ channel, input });
        return { ok: true, value: channel };
      },
    }),
    webUtils: { getPathForFile: (file: { name: string }) => (file.name ? `/dropped/${file.name}` : '') },
  };
});

await import('./preload');

describe('preload bridge', () => {
  it('exposes only window.ferry, with one method per request, on and chooseDroppedFiles', () => {
    expect([...bridge.exposed.keys()]).toEqual(['ferry']);
    const api = bridge.exposed.get('ferry')!;
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'on', 'chooseDroppedFiles'].sort());
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|send|invoke/i);
  });

  it('sends each request on its own channel', async () => {
    const api = bridge.exposed.get('ferry') as Record<string, (input?: unknown) => Promise<unknown>>;
    expect(await api.pause!({ ids: ['a'] })).toEqual({ ok: true, value: callChannel('pause') });
    expect(bridge.invoked.at(-1)).toEqual({ channel: 'ferry:call:pause', input: { ids: ['a'] } });
  });

  it('delivers events to listeners until they unsubscribe, and ignores unknown event names', () => {
    const api = bridge.exposed.get('ferry') as { on: (e: string, l: (p: unknown) => void) => () => void };
    const got: unknown[] = [];
    const off = api.on('notice', (p) => got.push(p));
    const offUnknown = api.on('ipc-internal', (p) => got.push(p));
    (bridge.renderer as EventEmitter).emit(EVENT_CHANNEL, {}, 'notice', { level: 'info', message: 'hi' });
    (bridge.renderer as EventEmitter).emit(EVENT_CHANNEL, {}, 'ipc-internal', 'x');
    off();
    offUnknown();
    (bridge.renderer as EventEmitter).emit(EVENT_CHANNEL, {}, 'notice', { level: 'info', message: 'again' });
    expect(got).toEqual([{ level: 'info', message: 'hi' }]);
  });

  it('exchanges one drop for handles from the main process in one call; the page never gets a path', async () => {
    const api = bridge.exposed.get('ferry') as { chooseDroppedFiles: (f: unknown) => Promise<unknown> };
    expect(await api.chooseDroppedFiles([{ name: 'a.txt' }, { name: 'b.txt' }])).toEqual({ ok: true, value: 'ferry:choose-dropped-files' });
    expect(bridge.invoked.at(-1)).toEqual({ channel: 'ferry:choose-dropped-files', input: ['/dropped/a.txt', '/dropped/b.txt'] });
    const calls = bridge.invoked.length;
    expect(await api.chooseDroppedFiles([{ name: 'a.txt' }, { name: '' }])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(bridge.invoked.length).toBe(calls);
  });
});
