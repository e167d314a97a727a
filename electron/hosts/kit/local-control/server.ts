// The owner-only local channel of a running Ferry (desktop app, `ferry serve`, `ferry rpc`): a
// Unix socket in the data folder speaking the contract, line by line. Callers have the headless
// trust model (they are the machine's user: they may name paths), which is why the socket is
// reachable only by the data folder's owner. Anything malformed gets an error reply (id null when
// it had none) and the connection stays open; nothing a client sends can take the host down.
import { chmod, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { EventName, Events, Reply } from '../../../../shared/contract';
import type { FerryService } from '../service/ferry-service';
import { parseCallMessage, type CallId } from '../call-message';
import { encodeLine, lineReader } from './framing';
import { controlSocketPath } from './socket-path';

/** A client that lets this much pile up unread is disconnected (it may reconnect and take a snapshot). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface LocalControl {
  /** The socket's path (or pipe name) clients connect to. */
  readonly path: string;
  close(): Promise<void>;
}

export async function startLocalControl(options: { dataDir: string; service: FerryService }): Promise<LocalControl> {
  const where = controlSocketPath(options.dataDir);
  if (!where.ok) throw new Error(where.message);
  const socketPath = where.path;
  if (process.platform !== 'win32') {
    // The folder's permissions are the channel's only lock: never listen in one others can enter.
    const folder = await stat(path.dirname(socketPath));
    if ((folder.mode & 0o077) !== 0) throw new Error(`${path.dirname(socketPath)} is open to other users (mode ${(folder.mode & 0o777).toString(8)}); no local channel there`);
  }
  // Only the data folder's lock holder gets here, so a socket file left there is a dead Ferry's.
  if (process.platform !== 'win32') await rm(socketPath, { force: true });

  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    serveConnection(socket, options.service);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The folder (0700) already keeps others out; the socket's own mode says so again.
  if (process.platform !== 'win32') await chmod(socketPath, 0o600);
  server.on('error', () => undefined); // a failing accept must not end the host

  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close: () =>
      (closing ??= (async () => {
        for (const socket of connections) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (process.platform !== 'win32') await rm(socketPath, { force: true });
      })()),
  };
}


function serveConnection(socket: net.Socket, service: FerryService): void {
  const send = (message: unknown) => {
    if (socket.destroyed || !socket.writable) return;
    if (socket.writableLength > MAX_BUFFERED_BYTES) {
      socket.destroy();
      return;
    }
    socket.write(encodeLine(message));
  };
  const sendEvent = <E extends EventName>(name: E, payload: Events[E]) => send({ t: 'event', name, payload });
  const reply = (id: CallId | null, value: Reply<unknown>) => send({ t: 'reply', id, reply: value });
  const invalid = (id: CallId | null, message: string) => reply(id, { ok: false, error: { code: 'INVALID_INPUT', message } });

  sendEvent('snapshot', service.snapshot());
  const unsubscribe = service.subscribe(sendEvent);
  socket.once('close', unsubscribe);
  socket.on('error', () => socket.destroy());

  const reader = lineReader(
    (line) => {
      const call = parseCallMessage(line);
      if (!call.ok) return invalid(call.id, call.message);
      void service.handle(call.name, call.input).then((result) => reply(call.id, result));
    },
    () => invalid(null, 'Message too long'),
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
}

/** For hosts: the channel is an extra; a Ferry that cannot open it still runs (joining falls back to the RPC). */
export async function startLocalControlOrWarn(
  options: { dataDir: string; service: FerryService },
  warn: (message: string) => void,
): Promise<LocalControl | undefined> {
  try {
    return await startLocalControl(options);
  } catch (error) {
    warn(`ferry get/put cannot join this Ferry over its local channel: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
