// The local channel's secret: 32 random bytes a host makes each time it opens the channel, kept in
// `<data dir>/control-secret` (owner-only, like everything in the data folder). Both ends prove
// they know it before anything else crosses the channel (./handshake.ts), and on Windows the pipe is
// named after it (./socket-path.ts). So whoever can read the data folder may use the channel, and
// nobody else, whatever the operating system lets connect to a socket or pipe.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const CONTROL_SECRET_FILE = 'control-secret';
const SECRET_BYTES = 32;

function secretFile(dataDir: string): string {
  return path.join(dataDir, CONTROL_SECRET_FILE);
}

/** A new secret, saved before it is returned (a client reads it as soon as the channel listens). */
export async function createControlSecret(dataDir: string): Promise<Buffer> {
  const secret = randomBytes(SECRET_BYTES);
  const file = secretFile(dataDir);
  // Readers must never see half a secret: a private temp file, then renamed over the old one.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${secret.toString('hex')}\n`, { mode: 0o600 });
  await rename(temp, file);
  return secret;
}

/** The secret of the host that owns the data folder now; undefined when there is none (no host, or one too old to have it). */
export async function readControlSecret(dataDir: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await readFile(secretFile(dataDir), 'utf8')).trim();
  } catch {
    return undefined;
  }
  return new RegExp(`^[0-9a-f]{${SECRET_BYTES * 2}}$`).test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Removes the file while it still holds this secret (a newer host may have made its own since). */
export async function removeControlSecret(dataDir: string, secret: Buffer): Promise<void> {
  const saved = await readControlSecret(dataDir);
  if (saved?.equals(secret)) await rm(secretFile(dataDir), { force: true });
}
