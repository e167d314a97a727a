// Debian's nginx as a real peer in tests and benchmarks, on 127.0.0.1 with a free port.
//
//   const nginx = await startNginx();                       // serves a fresh temp folder
//   await writeFile(path.join(nginx.root, 'a.bin'), bytes); // then GET nginx.baseUrl + '/a.bin'
//   const slow = await startNginx({ limitRate: '500k' });   // nginx limit_rate (per connection)
//   const uneven = await startNginx({ limitRate: '$rate', httpConfig: UNEVEN_RATE_MAP }); // every fifth connection 16x slower
//   const even = await startNginx({ limitRate: '1m', sendChunk: '64k' }); // the same rate, paced evenly
//   const dav = await startNginx({ dav: true });            // PUT/DELETE into root (WebDAV, 201/204)
//   const own = await startNginx({ root: '/some/folder' }); // serve an existing folder
//   await nginx.stop();                                     // SIGQUIT by pid, waits for exit
//
// Everything nginx writes (pid, error log, access log, *_temp_path) lives in its own temp folder,
// removed by stop(); a root we created is removed too, a root passed in is left alone.
// Needs the Debian packages nginx and libnginx-mod-http-dav-ext (for dav: true).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { freePort, waitForPort } from './ports';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface NginxOptions {
  /** Folder to serve; default: a new empty temp folder. */
  root?: string;
  /**
   * nginx limit_rate value, e.g. '500k' or 200000 (bytes/s per connection). Alone, nginx sends a
   * second's worth at once (at the start of a response and again at each whole second), so a
   * client holds up to that much in socket buffers at any moment; `sendChunk` paces it evenly.
   */
  limitRate?: string | number;
  /**
   * Most bytes nginx sends at once (sendfile_max_chunk, e.g. '64k'). With limitRate, nginx waits
   * chunk / rate after each send, so a connection receives the rate evenly, as over a real link:
   * at 1m, 64 KiB every 62 ms, about what a 50 ms path at that speed holds in flight.
   */
  sendChunk?: string;
  /** Allow WebDAV PUT/DELETE (with create_full_put_path) into root. */
  dav?: boolean;
  /** Extra directives inside `location / { }`. */
  extraLocationConfig?: string;
  /** Extra directives inside `http { }` (a `map` for a variable limit_rate, say). */
  httpConfig?: string;
}

/**
 * With `limitRate: '$rate'`: connections whose serial number ends in 3 or 7 (every fifth) get
 * 256 KiB/s, the others 4 MiB/s. An uneven path, where a static split waits for its slowest range.
 */
export const UNEVEN_RATE_MAP = 'map $connection $rate { ~[37]$ 256k; default 4m; }';

/** `$bytes_sent $uri` per request (headers included; an aborted response counts what it sent). */
export const SENT_LOG = 'sent.log';

/** One line per request: `$msec $connection $connection_requests $status $bytes_sent $body_bytes_sent $request_time "$http_range" $uri`. */
const REQUEST_LOG = 'requests.log';

export interface NginxServer {
  port: number;
  baseUrl: string;
  root: string;
  pid: number;
  /** nginx's access log (combined format: `$status $body_bytes_sent` after the request line). */
  accessLog: string;
  stop(): Promise<void>;
}

const NGINX_BIN = '/usr/sbin/nginx';

// A test run that dies without calling stop() must not leave nginx behind on a shared machine.
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      /* already gone */
    }
  }
});
const DAV_MODULE = '/usr/lib/nginx/modules/ngx_http_dav_ext_module.so';

export async function startNginx(options: NginxOptions = {}): Promise<NginxServer> {
  // A free port can be taken between probing and nginx binding it; try a few times.
  let lastError: unknown;
  for (let i = 0; i < 5; i++) {
    try {
      return await startOnce(options, await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(options: NginxOptions, port: number): Promise<NginxServer> {
  const work = await mkdtemp(path.join(tmpdir(), 'ferry-nginx-'));
  const ownRoot = options.root === undefined;
  const root = options.root ?? path.join(work, 'root');
  if (ownRoot) await mkdir(root, { recursive: true });
  const temp = path.join(work, 'temp');
  await mkdir(temp);
  const conf = path.join(work, 'nginx.conf');
  await writeFile(conf, configText({ ...options, root, work, temp, port }));

  const child = spawn(NGINX_BIN, ['-c', conf, '-p', work, '-e', path.join(work, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid;
  if (pid === undefined) throw new Error('nginx did not start');
  const ready = await Promise.race([waitForPort(port, 5000), exited.then(() => false)]);
  if (!ready) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await rm(work, { recursive: true, force: true });
    throw new Error(`nginx failed to start on port ${port}: ${stderr.trim()}`);
  }
  running.add(pid);
  void exited.then(() => running.delete(pid));
  let stopped: Promise<void> | undefined;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    root,
    pid,
    accessLog: path.join(work, 'access.log'),
    stop: () =>
      (stopped ??= (async () => {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          /* already gone */
        }
        const timer = setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, 3000);
        await exited;
        clearTimeout(timer);
        await rm(work, { recursive: true, force: true });
        if (ownRoot) await rm(root, { recursive: true, force: true });
      })()),
  };
}

function configText(o: NginxOptions & { root: string; work: string; temp: string; port: number }): string {
  const limit = o.limitRate === undefined ? '' : `limit_rate ${o.limitRate};`;
  const chunk = o.sendChunk === undefined ? '' : `sendfile_max_chunk ${o.sendChunk};`;
  const dav = o.dav ? 'dav_methods PUT DELETE; create_full_put_path on; client_max_body_size 0;' : '';
  return `
${o.dav ? `load_module ${DAV_MODULE};` : ''}
user root;
daemon off;
master_process on;
worker_processes 1;
pid ${quote(path.join(o.work, 'nginx.pid'))};
error_log ${quote(path.join(o.work, 'error.log'))} warn;
events { worker_connections 256; }
http {
  access_log ${quote(path.join(o.work, 'access.log'))};
  log_format sent '$bytes_sent $uri';
  access_log ${quote(path.join(o.work, SENT_LOG))} sent;
  log_format requests '$msec $connection $connection_requests $status $bytes_sent $body_bytes_sent $request_time "$http_range" $uri';
  access_log ${quote(path.join(o.work, REQUEST_LOG))} requests;
  client_body_temp_path ${quote(path.join(o.temp, 'client_body'))};
  proxy_temp_path ${quote(path.join(o.temp, 'proxy'))};
  fastcgi_temp_path ${quote(path.join(o.temp, 'fastcgi'))};
  uwsgi_temp_path ${quote(path.join(o.temp, 'uwsgi'))};
  scgi_temp_path ${quote(path.join(o.temp, 'scgi'))};
  default_type application/octet-stream;
  ${o.httpConfig ?? ''}
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 5;
  server {
    listen 127.0.0.1:${o.port};
    root ${quote(o.root)};
    location / {
      ${limit}
      ${chunk}
      ${dav}
      ${o.extraLocationConfig ?? ''}
    }
  }
}
`;
}

/** nginx strings in double quotes, so folders with spaces work. */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** Bytes nginx sent (headers and body, `$bytes_sent`) for requests whose path matches. */
export async function bytesSentMatching(server: NginxServer, match: RegExp): Promise<number> {
  const text = await readFile(path.join(path.dirname(server.accessLog), SENT_LOG), 'utf8').catch(() => '');
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\S+)$/.exec(line);
    if (m && match.test(m[2]!)) sum += Number(m[1]);
  }
  return sum;
}

export interface LoggedRequest {
  /** When the response ended (ms since the epoch). */
  endedAt: number;
  /** nginx's connection serial number: requests on one keep-alive connection share it. */
  connection: number;
  status: number;
  /** Headers and body ($bytes_sent). */
  bytesSent: number;
  bodyBytesSent: number;
  seconds: number;
  /** The Range header asked for, or '' */
  range: string;
  uri: string;
}

/** Every request nginx logged so far (a response is logged when it ends, an aborted one too). */
export async function requestsLogged(server: NginxServer): Promise<LoggedRequest[]> {
  const text = await readFile(path.join(path.dirname(server.accessLog), REQUEST_LOG), 'utf8').catch(() => '');
  const rows: LoggedRequest[] = [];
  for (const line of text.split('\n')) {
    const m = /^([\d.]+) (\d+) \d+ (\d{3}) (\d+) (\d+) ([\d.]+) "([^"]*)" (\S+)$/.exec(line);
    if (!m) continue;
    rows.push({
      endedAt: Math.round(Number(m[1]) * 1000),
      connection: Number(m[2]),
      status: Number(m[3]),
      bytesSent: Number(m[4]),
      bodyBytesSent: Number(m[5]),
      seconds: Number(m[6]),
      range: m[7] === '-' ? '' : m[7]!,
      uri: m[8]!,
    });
  }
  return rows;
}

/** Body bytes nginx sent for requests whose path is `urlPath` (an aborted response counts what it sent). */
export async function bodyBytesSent(server: NginxServer, urlPath: string): Promise<number> {
  const text = await readFile(server.accessLog, 'utf8').catch(() => '');
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /"[A-Z]+ (\S+) HTTP\/[\d.]+" \d{3} (\d+)/.exec(line);
    if (m && m[1] === urlPath) sum += Number(m[2]);
  }
  return sum;
}
