// Credentials against redirects to another origin: an aria2 client hands the real `ferry rpc`
// wiring (runStandaloneRpc) a URL on origin A with a Cookie, an Authorization, a
// Proxy-Authorization and a custom key, as the browser extension and scripts do, and A sends the
// download elsewhere: to B, through B and back to A, only its range requests to B, and once with
// Ferry restarted mid-download. The other origin must never see one of them on any request of any
// connection, every file must arrive byte-identical, and no value may sit in transfers/*.json,
// nor in secrets.json once the download is complete or removed.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { runStandaloneRpc, type StandaloneRpc } from '../../electron/hosts/rpc/standalone';
import { randomBytes } from '../files';
import { startTestServer, type RecordedRequest, type TestServer } from '../http-test-server';
import { until } from '../wait';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';
import { MiB, SCALE } from './settings';

const SECRET = 'hostile-credential-secret-0123';
const VALUES = { cookie: 'session=h0stile-cookie', authorization: 'Bearer h0stile-token', 'proxy-authorization': 'Basic h0stile-proxy', 'x-api-key': 'h0stile-key' };
const HEADERS = ['Cookie', 'Authorization', 'Proxy-Authorization', 'X-Api-Key'].map((name) => `${name}: ${VALUES[name.toLowerCase() as keyof typeof VALUES]}`);
const MARK = 'h0stile';

interface Shape {
  name: string;
  split: number;
  /** Routes on A and B; returns the URL to add and the requests that must not carry the values. */
  setup(p: string, body: Buffer): { url: string; foreign: () => RecordedRequest[] };
  restart?: boolean;
}

function post(port: number, method: string, params: unknown[]): Promise<{ result?: unknown; error?: { message: string } }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${SECRET}`, ...params] });
    const req = http.request({ host: '127.0.0.1', port, path: '/jsonrpc', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function leaks(requests: readonly RecordedRequest[]): string[] {
  return requests.flatMap((r) => Object.keys(VALUES).filter((name) => r.headers[name] !== undefined).map((name) => `${r.path} ${r.headers.range ?? 'first'}: ${name}`));
}

export async function credentialRedirects(ctx: LoopContext): Promise<HostileRow[]> {
  const dataDir = path.join(ctx.work, 'data');
  const downloads = path.join(ctx.work, 'downloads');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await mkdir(downloads, { recursive: true });
  // The default download folder, so no call names a `dir`.
  await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ downloadDirectory: downloads }), { mode: 0o600 });
  const a: TestServer = await startTestServer();
  const b: TestServer = await startTestServer();
  const quiet = { print: () => {}, warn: () => {}, handleSignals: false, port: 0 };
  let host: StandaloneRpc = await runStandaloneRpc({ dataDir, secret: SECRET, ...quiet });
  const size = Math.min(64, 8 * SCALE) * MiB;
  const atRest: string[] = [];
  const onTheWire: string[] = [];
  let survived = 0;
  let bytesLost = 0;
  let requestsWatched = 0;

  const recordsText = async () => {
    const folder = path.join(dataDir, 'transfers');
    const names = await readdir(folder).catch(() => [] as string[]);
    return (await Promise.all(names.map((name) => readFile(path.join(folder, name), 'utf8').catch(() => '')))).join('\n');
  };
  const secretsText = () => readFile(path.join(dataDir, 'secrets.json'), 'utf8').catch(() => '');
  const call = async (method: string, ...params: unknown[]) => {
    const answer = await post(host.server.port, method, params);
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result;
  };
  const status = async (gid: string) => (await call('aria2.tellStatus', gid, ['status', 'completedLength', 'errorMessage'])) as { status: string; completedLength: string; errorMessage?: string };

  const shapes: Shape[] = [
    {
      name: 'A → B, 1 connection',
      split: 1,
      setup: (p, body) => {
        a.route(`${p}/go`, { redirect: b.url(`${p}/file`) });
        b.route(`${p}/file`, { body });
        return { url: a.url(`${p}/go`), foreign: () => b.requestsFor(`${p}/file`) };
      },
    },
    {
      name: 'A → B, 16 connections',
      split: 16,
      setup: (p, body) => {
        a.route(`${p}/go`, { redirect: b.url(`${p}/file`), redirectStatus: 307 });
        b.route(`${p}/file`, { body, rateBytesPerSec: 4_000_000 });
        return { url: a.url(`${p}/go`), foreign: () => b.requestsFor(`${p}/file`) };
      },
    },
    {
      name: 'A → B → A, 16 connections',
      split: 16,
      setup: (p, body) => {
        a.route(`${p}/go`, { redirect: b.url(`${p}/bounce`), redirectStatus: 308 });
        b.route(`${p}/bounce`, { redirect: a.url(`${p}/file`), redirectStatus: 301 });
        a.route(`${p}/file`, { body, rateBytesPerSec: 4_000_000 });
        return { url: a.url(`${p}/go`), foreign: () => [...b.requestsFor(`${p}/bounce`), ...a.requestsFor(`${p}/file`)] };
      },
    },
    {
      name: 'ranges redirected to B, 16 connections',
      split: 16,
      setup: (p, body) => {
        a.route(`${p}/file`, (req, res) => {
          if (req.headers.range !== undefined) {
            res.writeHead(302, { location: b.url(`${p}/file`) }).end();
            return;
          }
          res.writeHead(200, { 'content-length': String(body.length), 'accept-ranges': 'bytes', etag: '"hostile"' });
          let at = 0;
          const timer = setInterval(() => {
            if (at >= body.length || res.destroyed) {
              clearInterval(timer);
              res.end();
              return;
            }
            res.write(body.subarray(at, at + 200_000));
            at += 200_000;
          }, 50);
          res.once('close', () => clearInterval(timer));
        });
        b.route(`${p}/file`, { body, etag: '"hostile"', rateBytesPerSec: 4_000_000 });
        return { url: a.url(`${p}/file`), foreign: () => b.requestsFor(`${p}/file`) };
      },
    },
    {
      name: 'A → B, 16 connections, Ferry restarted mid-download',
      split: 16,
      restart: true,
      setup: (p, body) => {
        a.route(`${p}/go`, { redirect: b.url(`${p}/file`) });
        b.route(`${p}/file`, { body, rateBytesPerSec: 256_000 });
        return { url: a.url(`${p}/go`), foreign: () => b.requestsFor(`${p}/file`) };
      },
    },
  ];

  try {
    for (const [i, shape] of shapes.entries()) {
      const body = randomBytes(size, Math.floor(ctx.random() * 2 ** 31));
      const { url, foreign } = shape.setup(`/shape${i}`, body);
      const out = `shape${i}.bin`;
      const failures: string[] = [];
      try {
        const gid = (await call('aria2.addUri', [url], { split: String(shape.split), header: HEADERS, out })) as string;
        if ((await recordsText()).includes(MARK)) atRest.push(`${shape.name}: a header value in transfers/*.json`);
        if (shape.restart) {
          await until(async () => foreign().filter((r) => r.headers.range !== undefined).length > 1 && Number((await status(gid)).completedLength) > 0, 'ranges under way', 60_000);
          await host.close();
          host = await runStandaloneRpc({ dataDir, secret: SECRET, ...quiet });
        }
        await until(async () => ['complete', 'error', 'removed'].includes((await status(gid)).status), `${shape.name} finished`, 120_000);
        const end = await status(gid);
        if (end.status !== 'complete') failures.push(`ended ${end.status}: ${end.errorMessage ?? ''}`);
        const bytes = await readFile(path.join(downloads, out)).catch(() => Buffer.alloc(0));
        let wrong = Math.abs(bytes.length - body.length);
        for (let k = 0; k < Math.min(bytes.length, body.length); k++) if (bytes[k] !== body[k]) wrong++;
        bytesLost += wrong;
        if (wrong > 0) failures.push(`${wrong} bytes wrong`);
        const watched = foreign();
        requestsWatched += watched.length;
        failures.push(...leaks(watched));
        if ((await recordsText()).includes(MARK)) atRest.push(`${shape.name}: a header value in transfers/*.json after completion`);
        await until(async () => !(await secretsText()).includes(MARK), 'values gone from secrets.json', 5000).catch(() =>
          atRest.push(`${shape.name}: a header value still in secrets.json after completion`),
        );
      } catch (error) {
        failures.push(`runner: ${(error as Error).message}`);
      }
      if (failures.length === 0) survived++;
      else onTheWire.push(`${shape.name}: ${failures[0]}`);
    }
    // Removed before it ever ran: its values go too.
    const gid = (await call('aria2.addUri', [a.url('/never')], { header: HEADERS, pause: 'true', out: 'never.bin' })) as string;
    await call('aria2.remove', gid);
    await until(async () => !(await secretsText()).includes(MARK), 'values gone after removal', 5000).catch(() => atRest.push('removed download: a header value still in secrets.json'));
  } finally {
    await host.close();
    await a.close();
    await b.close();
  }
  return [
    {
      name: 'credentials vs redirects to another origin (aria2 addUri, 1 and 16 conn: A→B, A→B→A, ranges sent on to B, restart)',
      tried: requestsWatched,
      survived,
      transfers: shapes.length,
      bytesLost,
      resent: null,
      ...(onTheWire.length ? { note: `${onTheWire.length} leaked or failed; first: ${onTheWire[0]!.slice(0, 160)}` } : {}),
    },
    {
      name: 'download headers at rest (transfers/*.json always; secrets.json after completion or removal)',
      tried: shapes.length * 3 + 1,
      survived: atRest.length === 0 ? 1 : 0,
      transfers: 1,
      bytesLost: 0,
      resent: null,
      ...(atRest.length ? { note: `${atRest.length} found; first: ${atRest[0]!.slice(0, 160)}` } : {}),
    },
  ];
}
