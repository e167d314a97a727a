// `<data dir>/rpc-endpoint.json` says where the Ferry that owns this data folder serves its aria2
// RPC, so that `ferry get` can hand its downloads over instead of being refused by the lock.
// Written when the server listens, removed when it stops; a stale one (its process gone) is ignored.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const ENDPOINT_FILE = 'rpc-endpoint.json';

export interface EndpointRecord {
  endpoint: string;
  pid: number;
}

export async function writeEndpointFile(dataDir: string, endpoint: string): Promise<void> {
  const record: EndpointRecord = { endpoint, pid: process.pid };
  await writeFile(path.join(dataDir, ENDPOINT_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export async function removeEndpointFile(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, ENDPOINT_FILE), { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live endpoint of this data folder's Ferry, or undefined. */
export async function readEndpointFile(dataDir: string): Promise<EndpointRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as Partial<EndpointRecord>;
    if (typeof record.endpoint !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+\/jsonrpc$/.test(record.endpoint)) return undefined;
    if (typeof record.pid !== 'number' || !processAlive(record.pid)) return undefined;
    return { endpoint: record.endpoint, pid: record.pid };
  } catch {
    return undefined;
  }
}
