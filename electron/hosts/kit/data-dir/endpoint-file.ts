// `<data dir>/rpc-endpoint.json` says where the Ferry that owns this data folder serves its aria2
// RPC and with which secret, so that Ferry's native-messaging host can pair the browser extension
// (`ferry get`/`put` join a running Ferry over the local channel instead). Owner-only
// (0600, in a 0700 folder) since it holds the secret in use (`ferry rpc --rpc-secret` may differ
// from the saved one). Written when the server listens, removed when it stops; a stale one (its
// process gone) is ignored.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from './process-alive';

export const ENDPOINT_FILE = 'rpc-endpoint.json';

export interface EndpointRecord {
  endpoint: string;
  secret: string;
  pid: number;
}

export async function writeEndpointFile(dataDir: string, endpoint: string, secret: string): Promise<void> {
  const record: EndpointRecord = { endpoint, secret, pid: process.pid };
  const file = path.join(dataDir, ENDPOINT_FILE);
  // Readers must never see half a file.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** Removes the file only while it is still ours (another Ferry may own the folder since). */
export async function removeEndpointFile(dataDir: string): Promise<void> {
  const file = path.join(dataDir, ENDPOINT_FILE);
  const record = await readRecord(file);
  if (record?.pid === process.pid) await rm(file, { force: true });
}

async function readRecord(file: string): Promise<EndpointRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<EndpointRecord>;
    if (typeof record.endpoint !== 'string' || !/^http:\/\/127\.0\.0\.1:\d+\/jsonrpc$/.test(record.endpoint)) return undefined;
    if (typeof record.secret !== 'string' || record.secret === '' || typeof record.pid !== 'number') return undefined;
    return { endpoint: record.endpoint, secret: record.secret, pid: record.pid };
  } catch {
    return undefined;
  }
}

/** The live endpoint of this data folder's Ferry, or undefined. */
export async function readEndpointFile(dataDir: string): Promise<EndpointRecord | undefined> {
  const record = await readRecord(path.join(dataDir, ENDPOINT_FILE));
  return record && isProcessAlive(record.pid) ? record : undefined;
}
