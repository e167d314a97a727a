// Browser transport for the headless host. Protocol (agreed with electron/hosts/headless):
//   page at http://HOST/#token=<hex>; socket at ws(s)://HOST/ws?token=<hex>
//   client → { t: 'call', id, name, input }     server → { t: 'reply', id, reply: Reply<T> }
//   server → { t: 'event', name, payload }       (the first event of every connection is `snapshot`)
//   files: POST /api/upload-file?name=<enc> with X-Ferry-Token and the raw body → { path }
// Reconnects with backoff; the snapshot sent on each connection replaces the UI's state.
import type { FerryApi, EventName, Events, Reply } from '../../../shared/contract';
import { REQUEST_NAMES } from '../../../shared/names';
import type { ConnectionState, Transport, UploadSource } from './transport';
import { failed } from './transport';

type Listener = (payload: unknown) => void;

interface Pending {
  resolve(reply: Reply<unknown>): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The subset of the WebSocket API we use, so tests can pass the `ws` package's class. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WsTransportOptions {
  /** ws:// or wss:// URL of the socket, token included. */
  socketUrl: string;
  /** http(s) origin for file uploads. */
  httpBase: string;
  token: string;
  createSocket?: (url: string) => SocketLike;
  fetchImpl?: typeof fetch;
  callTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const OPEN = 1;

export function createWsTransport(opts: WsTransportOptions): Transport & { close(): void; fileToPath(file: File): Promise<Reply<string>> } {
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const callTimeoutMs = opts.callTimeoutMs ?? 30_000;
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;

  const listeners = new Map<string, Set<Listener>>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, Pending>();
  // Calls made while the socket is down wait here and go out on the next open.
  const outbox: string[] = [];
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let backoff = minBackoff;
  let closedByUser = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** The host's limit for dropped files (settings), so a file over it is not sent only to be refused. */
  let droppedFileLimitMiB: number | undefined;

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const l of connectionListeners) l(next);
  }

  function emit(name: string, payload: unknown): void {
    for (const l of listeners.get(name) ?? []) {
      try {
        l(payload);
      } catch (e) {
        console.error(`Ferry: listener for ${name} failed`, e);
      }
    }
  }

  function onMessage(data: unknown): void {
    let msg: { t?: unknown; id?: unknown; reply?: unknown; name?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return; // a host never sends non-JSON; ignore rather than crash the UI
    }
    if (msg.t === 'reply' && typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      p.resolve(msg.reply as Reply<unknown>);
    } else if (msg.t === 'event' && typeof msg.name === 'string') {
      noteSettings(msg.name, msg.payload);
      emit(msg.name, msg.payload);
    }
  }

  function connect(): void {
    setState('connecting');
    const s = createSocket(opts.socketUrl);
    socket = s;
    s.onopen = () => {
      backoff = minBackoff;
      setState('open');
      while (outbox.length > 0 && s.readyState === OPEN) s.send(outbox.shift()!);
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => {};
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Calls in flight died with the socket: answer them so no button spins forever.
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.resolve(failed('The connection to Ferry was lost; try again.'));
        pending.delete(id);
      }
      setState('closed');
      if (closedByUser) return;
      reconnectTimer = setTimeout(connect, backoff);
      backoff = Math.min(maxBackoff, backoff * 2);
    };
  }

  function call(name: string, input: unknown): Promise<Reply<unknown>> {
    return new Promise((resolve) => {
      const id = nextId++;
      const text = JSON.stringify({ t: 'call', id, name, input });
      const timer = setTimeout(() => {
        pending.delete(id);
        const at = outbox.indexOf(text);
        if (at >= 0) outbox.splice(at, 1);
        resolve(failed(`Ferry did not answer “${name}” in time.`));
      }, callTimeoutMs);
      pending.set(id, { resolve, timer });
      if (socket && socket.readyState === OPEN) socket.send(text);
      else outbox.push(text);
    });
  }

  function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  // One call per request the contract names (shared/names.ts); `on` is the only other member.
  const api = {
    ...Object.fromEntries(REQUEST_NAMES.map((name) => [name, (input?: unknown) => call(name, input)])),
    on,
  } as unknown as FerryApi;

  function noteSettings(name: string, payload: unknown): void {
    const settings = name === 'snapshot' ? (payload as { settings?: unknown } | null)?.settings : name === 'settings' ? payload : undefined;
    const limit = (settings as { droppedFileLimitMiB?: unknown } | null | undefined)?.droppedFileLimitMiB;
    if (typeof limit === 'number') droppedFileLimitMiB = limit;
  }

  async function fileToPath(file: File): Promise<Reply<string>> {
    const doFetch = opts.fetchImpl ?? fetch;
    if (droppedFileLimitMiB !== undefined && file.size > droppedFileLimitMiB * 1024 * 1024) {
      const mib = (file.size / (1024 * 1024)).toFixed(1);
      return failed(`“${file.name}” is ${mib} MiB, more than the ${droppedFileLimitMiB} MiB allowed for dropped files (Settings → Transfers)`);
    }
    try {
      const res = await doFetch(`${opts.httpBase}/api/upload-file?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'X-Ferry-Token': opts.token, 'Content-Type': 'application/octet-stream' },
        body: file,
      });
      const text = await res.text();
      let body: { path?: unknown; error?: { message?: unknown }; message?: unknown } = {};
      try {
        body = JSON.parse(text);
      } catch {
        /* plain-text error bodies are shown as they are */
      }
      if (!res.ok || typeof body.path !== 'string') {
        const why = body.error?.message ?? body.message ?? (text.slice(0, 200) || res.statusText);
        return failed(`Sending “${file.name}” to Ferry failed (HTTP ${res.status}): ${String(why)}`);
      }
      return { ok: true, value: body.path };
    } catch (e) {
      return failed(`Sending “${file.name}” to Ferry failed: ${(e as Error).message}`);
    }
  }

  connect();

  return {
    api,
    fileToPath,
    // The headless host's token holder owns the machine: host paths are what it takes.
    async filesToSources(files) {
      const sources: UploadSource[] = [];
      for (const file of files) {
        const r = await fileToPath(file);
        if (!r.ok) return r;
        sources.push({ path: r.value });
      }
      return { ok: true, value: sources };
    },
    nativeDialogs: false,
    pushesSnapshot: true,
    // The files are on the host's machine; the headless host refuses to open them.
    canOpenFiles: false,
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close();
    },
  };
}

/** Options for the page this script was loaded from: `#token=<hex>` in the hash. */
export function wsOptionsFromLocation(loc: Pick<Location, 'hash' | 'protocol' | 'host'>, storedToken?: string | null): WsTransportOptions | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('token') ?? storedToken;
  if (!token || !/^https?:$/.test(loc.protocol)) return null;
  const wsProto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    token,
    socketUrl: `${wsProto}//${loc.host}/ws?token=${encodeURIComponent(token)}`,
    httpBase: `${loc.protocol}//${loc.host}`,
  };
}
