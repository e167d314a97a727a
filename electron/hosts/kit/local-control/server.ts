// The owner-only local channel of a running Ferry (desktop app, `ferry serve`, `ferry rpc`): a
// Unix socket in the data folder (a named pipe on Windows) carrying the wire, one message per line.
// Callers have the headless trust model (they are the machine's user: they may name paths), so a
// connection is served only after the client proved it knows the control secret (./handshake.ts),
// which only readers of the data folder do; on Unix the folder's permissions keep others out as well.
import { chmod, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { serveContract, type ContractService } from '../../../../shared/wire/contract-server';
import { createControlSecret, removeControlSecret } from './control-secret';
import { lineTransport } from './framing';
import { answerHandshake } from './handshake';
import { controlSocketPath } from './socket-path';

export interface LocalControl {
  /** The socket's path (or pipe name) clients connect to. */
  readonly path: string;
  close(): Promise<void>;
}

export interface LocalControlOptions {
  dataDir: string;
  service: ContractService;
}

export async function startLocalControl(options: LocalControlOptions): Promise<LocalControl> {
  const { dataDir } = options;
  if (process.platform !== 'win32') {
    // The folder's permissions are the first lock: never listen in one others can enter.
    const folder = await stat(path.resolve(dataDir));
    if ((folder.mode & 0o077) !== 0) throw new Error(`${path.resolve(dataDir)} is open to other users (mode ${(folder.mode & 0o777).toString(8)}); no local channel there`);
  }
  const secret = await createControlSecret(dataDir);
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    const transport = lineTransport(socket);
    answerHandshake(transport, secret).then(
      (handshake) => handshake.ok && serveContract(transport, options.service),
      () => socket.destroy(), // never expected; a client must not take the host down with it
    );
  });
  let socketPath: string;
  try {
    socketPath = await listen(server, dataDir, secret);
  } catch (error) {
    await removeControlSecret(dataDir, secret); // no channel, so no secret of one lying about
    throw error;
  }
  server.on('error', () => undefined); // a failing accept must not end the host

  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close: () =>
      (closing ??= (async () => {
        for (const socket of connections) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (process.platform !== 'win32') await rm(socketPath, { force: true });
        await removeControlSecret(dataDir, secret);
      })()),
  };
}

/** Listens where clients look for this data folder's channel; resolves to that path (or pipe name). */
async function listen(server: net.Server, dataDir: string, secret: Buffer): Promise<string> {
  const where = controlSocketPath(dataDir, process.platform, secret);
  if (!where.ok) throw new Error(where.message);
  // Only the data folder's lock holder gets here, so a socket file left there is a dead Ferry's.
  if (process.platform !== 'win32') await rm(where.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The folder (0700) already keeps others out; the socket's own mode says so again.
  if (process.platform !== 'win32') await chmod(where.path, 0o600);
  return where.path;
}

/** For hosts: the channel is an extra; a Ferry that cannot open it still runs (`ferry get`/`put` are then refused by the lock). */
export async function startLocalControlOrWarn(options: LocalControlOptions, warn: (message: string) => void): Promise<LocalControl | undefined> {
  try {
    return await startLocalControl(options);
  } catch (error) {
    warn(`ferry get/put cannot join this Ferry over its local channel: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
