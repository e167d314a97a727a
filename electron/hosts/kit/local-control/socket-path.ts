// Where a running Ferry listens for its owner's own tools (`ferry get`/`put` joining it): a Unix
// domain socket inside the data folder. The folder is 0700 and the socket 0600, so only the user
// who owns the data folder can connect: the file system is the authentication, no secret needed.
// Windows has no such file; there it is a named pipe derived from the data folder (untested here:
// a pipe's default ACL admits the creator and administrators, not the folder's permissions).
import { createHash } from 'node:crypto';
import path from 'node:path';

export const CONTROL_SOCKET_NAME = 'control.sock';

/** sun_path holds 108 bytes on Linux, 104 on macOS; longer data-folder paths get no socket. */
const MAX_SOCKET_PATH_BYTES = 103;

export type ControlSocketPath = { ok: true; path: string } | { ok: false; message: string };

export function controlSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): ControlSocketPath {
  const folder = path.resolve(dataDir);
  if (platform === 'win32') {
    const digest = createHash('sha256').update(folder.toLowerCase()).digest('hex').slice(0, 24);
    return { ok: true, path: `\\\\.\\pipe\\ferry-control-${digest}` };
  }
  const socket = path.join(folder, CONTROL_SOCKET_NAME);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    return { ok: false, message: `the data folder's path is too long for a local socket (${socket})` };
  }
  return { ok: true, path: socket };
}
