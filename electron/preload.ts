// The sandboxed preload: exposes `window.ferry`, the contract's FerryApi, and nothing else.
// ipcRenderer itself never reaches the page; every `on` returns its own unsubscribe.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ChosenFile, EventName, Events, FerryApi, Reply } from '../shared/contract';
import { EVENT_NAMES, REQUEST_NAMES } from '../shared/names';
import { callChannel, CHOOSE_DROPPED_FILES_CHANNEL, EVENT_CHANNEL } from './hosts/kit/ipc/channels';

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
  REQUEST_NAMES.map((name) => [name, (input?: unknown) => ipcRenderer.invoke(callChannel(name), input)]),
);

const api = {
  ...calls,
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!(EVENT_NAMES as readonly string[]).includes(event) || typeof listener !== 'function') return () => {};
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
  // Dropped files: only the preload can learn their paths (File.path is gone since Electron 32).
  // The page never sees one: it hands over the File objects of one drop and gets the main
  // process's handles for them, after the main process asked the user about exactly those files
  // (this world runs in the renderer process too, so the main process does not take its word).
  chooseDroppedFiles(files: File[]): Promise<Reply<ChosenFile[]>> {
    const paths: string[] = [];
    for (const file of Array.isArray(files) ? files : []) {
      let filePath = '';
      try {
        filePath = webUtils.getPathForFile(file);
      } catch {
        // Not a File: refused below.
      }
      if (!filePath) return Promise.resolve({ ok: false, error: { code: 'INVALID_INPUT', message: 'Only files on this computer can be uploaded' } });
      paths.push(filePath);
    }
    return ipcRenderer.invoke(CHOOSE_DROPPED_FILES_CHANNEL, paths) as Promise<Reply<ChosenFile[]>>;
  },
} as FerryApi & { chooseDroppedFiles(files: File[]): Promise<Reply<ChosenFile[]>> };

contextBridge.exposeInMainWorld('ferry', api);
