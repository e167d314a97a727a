// The client's end of the wire, once for the renderer's WebSocket and the CLI's local channel:
// numbered calls answered by id, events to their listeners, and every call settled even when no
// answer comes (the connection died, the host took too long): a Reply, never a hanging promise.
// One client outlives its connections: a client that reconnects attaches each new transport, and
// calls made meanwhile wait in order for it. VS Code's ChannelClient is the model.
import type { EventName, Events, FerryApi, Reply } from '../contract';
import { REQUEST_NAMES } from '../names';
import { encodeMessage, parseHostMessage, type CallId, type ReplyMessage } from './messages';
import type { MessageTransport } from './transport';

// Browsers and Node both have these; shared/ compiles without either's type definitions.
declare const setTimeout: (handler: () => void, ms: number) => unknown;
declare const clearTimeout: (handle: unknown) => void;

export interface ContractClientOptions {
  /** A call unanswered this long settles with an error reply. */
  callTimeoutMs: number;
  /** Calls made while no connection is up wait for the next one (a client that reconnects); else they fail at once. */
  queueWhileDown: boolean;
  /** The words of the error replies the client makes itself. */
  words: { lost: string; timedOut(name: string): string; notSent?(name: string): string };
  /** A listener that threw; by default the error is thrown again outside the client, so it is not lost. */
  onListenerError?(event: string, error: unknown): void;
}

export interface ContractClient {
  call(name: string, input?: unknown): Promise<Reply<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Replies that answer no call of this client: what a host says to a message it could not read. */
  onStrayReply(listener: (message: ReplyMessage) => void): () => void;
  /** Carries the calls over this connection from now on, until it closes; calls waiting go out now. */
  attach(transport: MessageTransport): void;
}

type Listener = (payload: unknown) => void;

interface Pending {
  resolve(reply: Reply<unknown>): void;
  timer: unknown;
  text: string;
  sent: boolean;
}

export function failedReply(message: string): Reply<never> {
  return { ok: false, error: { code: 'FAILED', message } };
}

export function createContractClient(options: ContractClientOptions): ContractClient {
  const pending = new Map<CallId, Pending>();
  const outbox: number[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const strays = new Set<(message: ReplyMessage) => void>();
  let current: MessageTransport | null = null;
  let nextId = 1;

  const settle = (id: CallId, reply: Reply<unknown>) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    clearTimeout(waiting.timer);
    waiting.resolve(reply);
  };

  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        if (options.onListenerError) options.onListenerError(event, error);
        else setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  };

  const receive = (text: string) => {
    const message = parseHostMessage(text);
    if (!message) return;
    if (message.t === 'event') return emit(message.name, message.payload);
    if (message.id !== null && pending.get(message.id)?.sent) return settle(message.id, message.reply);
    for (const listener of strays) listener(message);
  };

  const flush = () => {
    while (current && outbox.length > 0) {
      const waiting = pending.get(outbox.shift()!);
      if (!waiting) continue;
      waiting.sent = true;
      current.send(waiting.text);
    }
  };

  return {
    call(name, input) {
      if (!current && !options.queueWhileDown) return Promise.resolve(failedReply(options.words.lost));
      return new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          const queued = outbox.indexOf(id);
          if (queued >= 0) outbox.splice(queued, 1);
          // Still waiting for a connection: it never went out, which is not the host being slow.
          const words = queued >= 0 && options.words.notSent ? options.words.notSent(name) : options.words.timedOut(name);
          settle(id, failedReply(words));
        }, options.callTimeoutMs);
        pending.set(id, { resolve, timer, text: encodeMessage({ t: 'call', id, name, input }), sent: false });
        outbox.push(id);
        flush();
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => void set.delete(listener as Listener);
    },
    onStrayReply(listener) {
      strays.add(listener);
      return () => void strays.delete(listener);
    },
    attach(transport) {
      current = transport;
      const stopReading = transport.onMessage(receive);
      transport.onClose(() => {
        stopReading();
        if (current === transport) current = null;
        // Calls in flight died with the connection: answer them, so nothing waits forever.
        for (const [id, waiting] of pending) if (waiting.sent) settle(id, failedReply(options.words.lost));
      });
      flush();
    },
  };
}

/** The contract's FerryApi over a client: one call per request name (shared/names.ts), and `on`. */
export function contractApi(client: ContractClient): FerryApi {
  return {
    ...Object.fromEntries(REQUEST_NAMES.map((name) => [name, (input?: unknown) => client.call(name, input)])),
    on: client.on,
  } as unknown as FerryApi;
}
