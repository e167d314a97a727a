// The RPC secret: made once per data folder at first run, kept in `<data dir>/rpc-secret`
// (readable by its owner only), shown in Settings. There is no "no secret" mode.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const SECRET_FILE = 'rpc-secret';

export function secretPath(dataDir: string): string {
  return path.join(dataDir, SECRET_FILE);
}

/** The saved secret, or a new one saved now. A damaged file (empty, odd characters) is replaced. */
export async function loadOrCreateRpcSecret(dataDir: string): Promise<string> {
  const file = secretPath(dataDir);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (/^[0-9A-Za-z_-]{16,128}$/.test(saved)) return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // base64url: no characters that need quoting in a URL, a shell or AriaNg's settings form.
  const secret = randomBytes(24).toString('base64url');
  // 'w' with mode only sets the mode of a new file; chmod covers an existing damaged one.
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}
