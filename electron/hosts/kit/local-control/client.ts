// The CLI's end of the local channel: connect to the running Ferry's socket, call the contract,
// receive its events. undefined from connect: no Ferry listens there (none running, or one too
// old to have the channel), so the caller falls back to the aria2 RPC or the lock's message.
import net from 'node:net';
import type { ErrorReply, EventName, Events, Reply, RequestName, RequestOutput } from '../../../../shared/contract';
import { encodeLine, lineReader } from './framing';
import { controlSocketPath } from './socket-path';

const CONNECT_TIMEOUT_MS = 2000;
const CALL_TIMEOUT_MS = 60_000;

export class ControlCallError extends Error {
  constructor(readonly error: ErrorReply) {
    super(error.message);
    this.name = 'ControlCallError';
  }
}

export interface ControlClient {
  call<N extends RequestName>(name: N, input?: unknown): Promise<RequestOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): void;
  /** Called once when the running Ferry closes the connection (quit, crash). */
  onClose(listener: () => void): void;
  close(): void;
}

export async function connectLocalControl(dataDir: string): Promise<ControlClient | undefined> {
  const where = controlSocketPath(dataDir);
  if (!where.ok) return undefined;
  const socket = await new Promise<net.Socket | undefined>((resolve) => {
    const s = net.connect(where.path);
    const timer = setTimeout(() => (s.destroy(), resolve(undefined)), CONNECT_TIMEOUT_MS);
    s.once('connect', () => (clearTimeout(timer), resolve(s)));
    s.once('error', () => (clearTimeout(timer), resolve(undefined)));
  });
  if (!socket) return undefined;

  let nextId = 0;
  const pending = new Map<number, { resolve(reply: Reply<unknown>): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const closeListeners: (() => void)[] = [];
  let closed = false;

  const reader = lineReader(
    (line) => {
      let message: { t?: string; id?: unknown; reply?: Reply<unknown>; name?: string; payload?: unknown };
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.t === 'reply' && typeof message.id === 'number') {
        const waiting = pending.get(message.id);
        if (!waiting || !message.reply) return;
        pending.delete(message.id);
        clearTimeout(waiting.timer);
        waiting.resolve(message.reply);
      } else if (message.t === 'event' && typeof message.name === 'string') {
        for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
      }
    },
    () => undefined,
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    closed = true;
    for (const [, waiting] of pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('the running Ferry closed the connection'));
    }
    pending.clear();
    for (const listener of closeListeners) listener();
  });

  return {
    async call(name, input) {
      if (closed) throw new Error('the running Ferry closed the connection');
      const id = ++nextId;
      const reply = await new Promise<Reply<unknown>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the running Ferry did not answer ${name} within ${CALL_TIMEOUT_MS / 1000} s`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        socket.write(encodeLine({ t: 'call', id, name, input }));
      });
      if (!reply.ok) throw new ControlCallError(reply.error);
      return reply.value as RequestOutput<typeof name>;
    },
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener as (payload: unknown) => void);
      listeners.set(event, list);
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    close() {
      socket.end();
      socket.destroy();
    },
  };
}
