// The sandboxed preload: exposes `window.ferry`, the contract's FerryApi, and nothing else.
// ipcRenderer itself never reaches the page; every `on` returns its own unsubscribe.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EventName, Events, FerryApi } from '../shared/contract';
import { callChannel, EVENT_CHANNEL, IPC_EVENT_NAMES, IPC_REQUEST_NAMES } from './hosts/ipc/channels';

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  const set = typeof name === 'string' ? listeners.get(name as EventName) : undefined;
  for (const listener of set ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error('ferry: event listener failed', error);
    }
  }
});

const calls = Object.fromEntries(
  IPC_REQUEST_NAMES.map((name) => [name, (input?: unknown) => ipcRenderer.invoke(callChannel(name), input)]),
);

const api = {
  ...calls,
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!(IPC_EVENT_NAMES as readonly string[]).includes(event) || typeof listener !== 'function') return () => {};
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
  // Dropped files: only the preload can learn their paths (File.path is gone since Electron 32).
  getPathForFile: (file: File): string => webUtils.getPathForFile(file),
} as FerryApi & { getPathForFile(file: File): string };

contextBridge.exposeInMainWorld('ferry', api);
