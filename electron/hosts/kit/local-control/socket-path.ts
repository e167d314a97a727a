// Where a running Ferry listens for its owner's own tools (`ferry get`/`put` joining it).
// Unix: a domain socket inside the data folder; the folder is 0700 and the socket 0600, so only the
// folder's owner can connect. Windows has no such file: a named pipe, which Node creates with the
// default ACL (other local users may open it; Node cannot change that). So its name is derived from
// the control secret (./control-secret.ts), which only readers of the data folder know: nobody else
// can find the pipe or take its name first. The handshake (./handshake.ts) checks both ends anyway.
import { createHmac } from 'node:crypto';
import path from 'node:path';

export const CONTROL_SOCKET_NAME = 'control.sock';

/** sun_path holds 108 bytes on Linux, 104 on macOS; longer data-folder paths get no socket. */
const MAX_SOCKET_PATH_BYTES = 103;

export type ControlSocketPath = { ok: true; path: string } | { ok: false; message: string };

/** `secret`: the control secret; Windows needs it for the pipe's name, Unix does not. */
export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform, secret?: Buffer): ControlSocketPath {
  if (platform === 'win32') {
    if (!secret) return { ok: false, message: 'the control pipe is named after the control secret, and there is none' };
    return { ok: true, path: windowsPipeName(secret) };
  }
  const socket = path.join(path.resolve(dataDir), CONTROL_SOCKET_NAME);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    return { ok: false, message: `the data folder's path is too long for a local socket (${socket})` };
  }
  return { ok: true, path: socket };
}

/** A pipe on this machine (`\\.\pipe\`, never `\\host\pipe\`), 128 bits nobody without the secret can guess. */
export function windowsPipeName(secret: Buffer): string {
  const name = createHmac('sha256', secret).update('ferry-control pipe name').digest('hex').slice(0, 32);
  return `\\\\.\\pipe\\ferry-control-${name}`;
}
