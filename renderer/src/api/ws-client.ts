// Browser transport for the headless host: the wire's client (shared/wire/) over a WebSocket.
//   page at http://HOST/#token=<hex>; socket at ws(s)://HOST/ws?token=<hex>
//   files: POST /api/upload-file?name=<enc> with X-Ferry-Token and the raw body → { path }
// Reconnects with backoff; the snapshot sent on each connection replaces the UI's state. A socket
// that will not open asks GET /api/session whether the host refuses the token (401: state
// `refused`, no more tries, the page says what to do) or is away (keep trying).
import type { Reply } from '../../../shared/contract';
import { contractApi, createContractClient } from '../../../shared/wire/contract-client';
import type { MessageTransport } from '../../../shared/wire/transport';
import type { ConnectionState, Transport, UploadSource } from './transport';
import { failed } from './transport';
import { isLoopbackHost } from '../lib/links';

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
  /** The page was loaded from a loopback address: the browser is on the host's machine, where Open and Show in folder act. */
  onHostMachine?: boolean;
  callTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const OPEN = 1;

/** The wire's transport over one open browser WebSocket; `closeListeners` hear its end from `connect`. */
function socketTransport(s: SocketLike, closeListeners: Set<() => void>): MessageTransport {
  const messageListeners = new Set<(text: string) => void>();
  s.onmessage = (ev) => {
    const text = typeof ev.data === 'string' ? ev.data : String(ev.data);
    for (const listener of [...messageListeners]) listener(text);
  };
  const subscribe = <T>(set: Set<T>, listener: T) => (set.add(listener), () => void set.delete(listener));
  return {
    send: (text) => void (s.readyState === OPEN && s.send(text)),
    onMessage: (listener) => subscribe(messageListeners, listener),
    onClose: (listener) => subscribe(closeListeners, listener),
    close: () => s.close(),
  };
}

export function createWsTransport(opts: WsTransportOptions): Transport & { close(): void; fileToPath(file: File): Promise<Reply<string>> } {
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;

  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const client = createContractClient({
    callTimeoutMs: opts.callTimeoutMs ?? 30_000,
    // Calls made while the socket is down wait for the next open.
    queueWhileDown: true,
    words: {
      lost: 'The connection to Ferry was lost; try again.',
      timedOut: (name) => `Ferry did not answer “${name}” in time.`,
      notSent: (name) => `“${name}” was not sent: Ferry could not be reached meanwhile. Try again once the status bar says Connected.`,
    },
    onListenerError: (event, e) => console.error(`Ferry: listener for ${event} failed`, e),
  });
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let backoff = minBackoff;
  let closedByUser = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** The host's limit for dropped files (settings), so a file over it is not sent only to be refused. */
  let droppedFileLimitMiB: number | undefined;
  client.on('snapshot', (snapshot) => noteSettings(snapshot?.settings));
  client.on('settings', noteSettings);

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const l of connectionListeners) l(next);
  }

  function connect(): void {
    setState('connecting');
    const s = createSocket(opts.socketUrl);
    socket = s;
    const closeListeners = new Set<() => void>();
    let opened = false;
    s.onopen = () => {
      opened = true;
      backoff = minBackoff;
      setState('open');
      client.attach(socketTransport(s, closeListeners));
    };
    s.onerror = () => {};
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Calls in flight died with the socket: the client answers them, so no button spins forever.
      for (const listener of [...closeListeners]) listener();
      setState('closed');
      if (closedByUser) return;
      // A browser hides why an upgrade failed; the host says whether it was the token.
      const retry = () => {
        if (closedByUser) return;
        reconnectTimer = setTimeout(connect, backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
      };
      if (opened) return retry();
      void tokenRefused().then((refused) => (refused && !closedByUser ? setState('refused') : retry()));
    };
  }

  /** Whether the host answers but refuses this token; false while it cannot be reached at all. */
  async function tokenRefused(): Promise<boolean> {
    try {
      const res = await (opts.fetchImpl ?? fetch)(`${opts.httpBase}/api/session`, { headers: { 'X-Ferry-Token': opts.token }, cache: 'no-store' });
      return res.status === 401;
    } catch {
      return false;
    }
  }

  const api = contractApi(client);

  function noteSettings(settings: { droppedFileLimitMiB?: unknown } | null | undefined): void {
    const limit = settings?.droppedFileLimitMiB;
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
    // The files are on the host's machine: a browser there may open them (the host checks the same
    // thing, by the socket's address); elsewhere it offers neither Open nor Show in folder.
    canOpenFiles: opts.onHostMachine === true,
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
export function wsOptionsFromLocation(loc: Pick<Location, 'hash' | 'protocol' | 'host'> & { hostname?: string }, storedToken?: string | null): WsTransportOptions | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('token') ?? storedToken;
  if (!token || !/^https?:$/.test(loc.protocol)) return null;
  const wsProto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    token,
    socketUrl: `${wsProto}//${loc.host}/ws?token=${encodeURIComponent(token)}`,
    httpBase: `${loc.protocol}//${loc.host}`,
    onHostMachine: isLoopbackHost(loc.hostname ?? new URL(`${loc.protocol}//${loc.host}`).hostname),
  };
}
