// Raw connections to a running Ferry's local channel, for tests that write the wire by hand:
//
//   const socket = await openControlSocket(dataDir);   // past the handshake: next comes the snapshot line
//   socket.write('not json\n');
import { once } from 'node:events';
import net from 'node:net';
import { readControlSecret } from '../electron/hosts/kit/local-control/control-secret';
import { lineTransport } from '../electron/hosts/kit/local-control/framing';
import { openHandshake } from '../electron/hosts/kit/local-control/handshake';
import { controlSocketPath } from '../electron/hosts/kit/local-control/socket-path';

export async function openControlSocket(dataDir: string): Promise<net.Socket> {
  const secret = await readControlSecret(dataDir);
  if (!secret) throw new Error(`no control secret in ${dataDir}`);
  const where = controlSocketPath(dataDir, process.platform, secret);
  if (!where.ok) throw new Error(where.message);
  const socket = net.connect(where.path);
  await once(socket, 'connect');
  const handshake = await openHandshake(lineTransport(socket), secret, where.path);
  if (!handshake.ok) throw new Error(handshake.message);
  // The socket is the test's from here: the line reader lets go, and nothing has arrived since the host's hello.
  socket.removeAllListeners('data');
  return socket;
}
