// Where a running Ferry's RPC answers, for the native host to tell the browser extension: a file
// in the data folder (0600: it holds the secret), written when the RPC server listens and removed
// when it stops. A Ferry killed without cleanup leaves it behind; its pid tells that it is stale.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RpcEndpoint {
  endpoint: string;
  secret: string;
  pid: number;
}

export const RPC_ENDPOINT_FILE = 'rpc-endpoint.json';

export async function writeRpcEndpoint(dataDir: string, info: RpcEndpoint): Promise<void> {
  const file = path.join(dataDir, RPC_ENDPOINT_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(info), { mode: 0o600 });
  await rename(temp, file);
}

/** Removes the file only if it is still ours (another Ferry may have taken the folder over since). */
export async function removeRpcEndpoint(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readRpcEndpoint(dataDir, () => true);
  if (current && current.pid === pid) await rm(path.join(dataDir, RPC_ENDPOINT_FILE), { force: true });
}

export async function readRpcEndpoint(dataDir: string, alive: (pid: number) => boolean = isAlive): Promise<RpcEndpoint | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path.join(dataDir, RPC_ENDPOINT_FILE), 'utf8'));
  } catch {
    return null;
  }
  const p = parsed as Partial<RpcEndpoint> | null;
  if (!p || typeof p.endpoint !== 'string' || typeof p.secret !== 'string' || typeof p.pid !== 'number') return null;
  return alive(p.pid) ? { endpoint: p.endpoint, secret: p.secret, pid: p.pid } : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
