// The CLI's end of the local channel: read the control secret, connect to the running Ferry's
// socket (pipe), prove both ends know the secret, then call the contract over the wire's client.
// undefined: no Ferry listens there (none running, or one too old to have the channel), so the
// caller reports the lock's message. `refused`: something listens but the
// handshake failed; nothing but a random nonce was sent to it, and the caller says why.
import net from 'node:net';
import type { ErrorReply, EventName, Events, RequestName, RequestOutput } from '../../../../shared/contract';
import { createContractClient } from '../../../../shared/wire/contract-client';
import { readControlSecret } from './control-secret';
import { lineTransport } from './framing';
import { openHandshake } from './handshake';
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

export interface ControlRefused {
  refused: true;
  message: string;
}

export async function connectLocalControl(dataDir: string): Promise<ControlClient | ControlRefused | undefined> {
  const secret = await readControlSecret(dataDir);
  if (!secret) return undefined;
  const where = controlSocketPath(dataDir, process.platform, secret);
  if (!where.ok) return undefined;
  const socket = await new Promise<net.Socket | undefined>((resolve) => {
    const s = net.connect(where.path);
    const timer = setTimeout(() => (s.destroy(), resolve(undefined)), CONNECT_TIMEOUT_MS);
    s.once('connect', () => (clearTimeout(timer), resolve(s)));
    s.once('error', () => (clearTimeout(timer), resolve(undefined)));
  });
  if (!socket) return undefined;

  const transport = lineTransport(socket);
  const handshake = await openHandshake(transport, secret, where.path);
  if (!handshake.ok) {
    socket.destroy();
    return { refused: true, message: handshake.message };
  }
  const client = createContractClient({
    callTimeoutMs: CALL_TIMEOUT_MS,
    queueWhileDown: false,
    words: {
      lost: 'the running Ferry closed the connection',
      timedOut: (name) => `the running Ferry did not answer ${name} within ${CALL_TIMEOUT_MS / 1000} s`,
    },
  });
  client.attach(transport);
  return {
    async call(name, input) {
      const reply = await client.call(name, input);
      if (!reply.ok) throw new ControlCallError(reply.error);
      return reply.value as RequestOutput<typeof name>;
    },
    on: (event, listener) => void client.on(event, listener),
    onClose: (listener) => void transport.onClose(listener),
    close: () => socket.destroy(),
  };
}
