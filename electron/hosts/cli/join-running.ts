// `ferry get` while the desktop app, `ferry serve` or `ferry rpc` owns the data folder: instead of
// being refused by the lock, hand the downloads to that Ferry over its aria2 RPC (the endpoint and
// secret it wrote into the data folder) and follow them to the end; --detach returns
// once they are accepted. The downloads belong to that Ferry: Ctrl-C stops following, not them.
import { readEndpointFile } from '../kit/endpoint-file';
import type { GetCommand } from './args';
import { downloadsOf, labelOf, type GetDownload } from './get-downloads';
import { watchInterrupts, type InterruptWatch } from './interrupt-watch';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './outcome';

const POLL_MS = 250;
/** The running Ferry may be busy; this many failed polls in a row mean it went away. */
const MAX_MISSED_POLLS = 20;

interface Output {
  out(line: string): void;
  err(line: string): void;
}

type Status = { gid: string; status: string; errorMessage?: string; files?: { path: string }[] };

function rpcClient(endpoint: string, secret: string) {
  let id = 0;
  return async function call<T>(method: string, params: unknown[]): Promise<T> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: [`token:${secret}`, ...params] }),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json()) as { result?: T; error?: { message: string } };
    if (answer.error) throw new Error(answer.error.message);
    return answer.result as T;
  };
}

/** undefined: no running Ferry to join (the caller reports the lock's message). */
export async function joinRunningFerry(command: GetCommand, output: Output): Promise<number | undefined> {
  const found = await readEndpointFile(command.dataDir);
  if (!found) return undefined;
  const call = rpcClient(found.endpoint, found.secret);

  const accepted: { gid: string; url: string }[] = [];
  let refused = 0;
  for (const download of downloadsOf(command)) {
    try {
      accepted.push({ gid: await call<string>('aria2.addUri', [[download.url, ...download.mirrors], aria2Options(download, command.limit)]), url: download.url });
    } catch (error) {
      refused++;
      const message = (error as Error).message;
      output.err(`ferry: ${labelOf(download)}: ${message}`);
    }
  }
  if (accepted.length === 0) return EXIT_FAILED;
  if (command.detach) {
    for (const { gid, url } of accepted) output.out(command.quiet ? gid : `handed over ${url} (gid ${gid})`);
    return refused > 0 ? EXIT_FAILED : EXIT_OK;
  }
  const interrupts = watchInterrupts();
  try {
    if (!command.quiet) output.err(`ferry: the running Ferry owns ${command.dataDir}; it downloads, this command follows (Ctrl-C stops following only)`);
    return await follow(call, accepted, command.quiet, output, refused, interrupts);
  } finally {
    interrupts.dispose();
  }
}

/** One download as aria2's addUri options (the command's --limit as each download's own, as before). */
function aria2Options(download: GetDownload, limit: number | null): Record<string, string | string[]> {
  const options: Record<string, string | string[]> = { dir: download.directory };
  if (download.fileName !== undefined) options.out = download.fileName;
  if (download.sha256 !== undefined) options.checksum = `sha-256=${download.sha256}`;
  const own = download.speedLimit !== undefined ? download.speedLimit : limit;
  if (own !== null) options['max-download-limit'] = String(own);
  // aria2's split goes up to 16.
  if (download.connections !== undefined) options.split = String(Math.min(16, download.connections));
  if (download.headers) options.header = Object.entries(download.headers).map(([name, value]) => `${name}: ${value}`);
  if (download.stream?.variant !== undefined) options['ferry-variant'] = download.stream.variant;
  if (download.stream?.kind !== undefined) options['ferry-stream'] = download.stream.kind;
  if (download.proxy?.mode === 'none') options['all-proxy'] = '';
  if (download.proxy?.mode === 'manual') {
    if (download.proxy.all) options['all-proxy'] = download.proxy.all;
    if (download.proxy.http) options['http-proxy'] = download.proxy.http;
    if (download.proxy.https) options['https-proxy'] = download.proxy.https;
    if (download.proxy.noProxy) options['no-proxy'] = download.proxy.noProxy;
  }
  return options;
}

async function follow(
  call: ReturnType<typeof rpcClient>,
  accepted: { gid: string; url: string }[],
  quiet: boolean,
  output: Output,
  refused: number,
  interrupts: InterruptWatch,
): Promise<number> {
  const open = new Map(accepted.map((a) => [a.gid, a.url]));
  let failed = refused;
  let missed = 0;
  while (open.size > 0) {
    if (interrupts.happened) {
      output.err(`ferry: stopped following; ${open.size} download(s) go on in the running Ferry`);
      return EXIT_INTERRUPTED;
    }
    let statuses: Status[];
    try {
      statuses = await Promise.all([...open.keys()].map((gid) => call<Status>('aria2.tellStatus', [gid, ['gid', 'status', 'errorMessage', 'files']])));
      missed = 0;
    } catch (error) {
      if (++missed >= MAX_MISSED_POLLS) {
        output.err(`ferry: lost the running Ferry (${(error as Error).message}); its downloads continue when it runs again`);
        return EXIT_FAILED;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    for (const status of statuses) {
      const url = open.get(status.gid)!;
      const file = status.files?.[0]?.path || url;
      if (status.status === 'complete') {
        output.out(quiet ? file : `done ${file}`);
      } else if (status.status === 'error' || status.status === 'removed') {
        failed++;
        output.err(`ferry: ${url}: ${status.status === 'removed' ? 'removed in the running Ferry' : status.errorMessage || 'failed'}`);
      } else {
        continue;
      }
      open.delete(status.gid);
    }
    if (open.size > 0) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}
