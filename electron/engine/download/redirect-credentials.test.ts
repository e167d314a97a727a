// Headers given for one origin never reach another: two loopback servers on two ports are two
// origins; A redirects to B. Every request B sees (the first one after the redirect, each range
// of a segmented download, the ones after a restart) must be free of the user's credentials, and
// the file must still arrive byte-identical.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { useDownloadFixture } from '../../../test-support/download-test-kit';
import { randomBytes, sha256 } from '../../../test-support/files';
import { startTestServer, type RecordedRequest, type TestServer } from '../../../test-support/http-test-server';
import { until } from '../../../test-support/wait';
import type { DownloadRequest } from '../types';

/** What a browser extension hands over for a link on site A, and what a script may add. */
const GIVEN = {
  Cookie: 'session=s3cr3t-cookie',
  Authorization: 'Bearer s3cr3t-token',
  'Proxy-Authorization': 'Basic s3cr3t-proxy',
  'X-Api-Key': 's3cr3t-key',
  Referer: 'http://site.example/page?token=s3cr3t-ref',
  'User-Agent': 'FerryTest/1.0',
};
const CREDENTIALS = ['cookie', 'authorization', 'proxy-authorization', 'x-api-key'] as const;

/** Each request that carried a credential or the full Referer, in words (empty: none did). */
function leaks(requests: readonly RecordedRequest[]): string[] {
  const found: string[] = [];
  for (const r of requests) {
    for (const name of CREDENTIALS) if (r.headers[name] !== undefined) found.push(`${r.path} ${r.headers.range ?? ''} ${name}`);
    if (typeof r.headers.referer === 'string' && r.headers.referer.includes('s3cr3t')) found.push(`${r.path} referer`);
  }
  return found;
}

let a: TestServer;
let b: TestServer;
let n = 0;
const fx = useDownloadFixture('ferry-origin-', {
  worker: { checkpointIntervalMs: 100, minSplitBytes: 256 * 1024, connections: 4 },
  settings: { stallTimeoutMs: 5000, retryBaseMs: 50, retryMaxMs: 300 },
});

/** A download as the extension hands it over: with the headers given for site A. */
const download = (req: Partial<DownloadRequest> & { url: string }): Promise<TransferView> => fx.download({ headers: GIVEN, ...req });

async function fileOf(view: TransferView): Promise<Buffer> {
  return readFile(view.download!.filePath!);
}

beforeAll(async () => {
  a = await startTestServer();
  b = await startTestServer();
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('headers stay with the origin they were given for', () => {
  it('one connection: the redirect target gets no credential, only the User-Agent and the referring origin', async () => {
    const body = randomBytes(300_000, 1);
    const p = `/c${++n}`;
    a.route(`${p}/go`, { redirect: b.url(`${p}/file.bin`) });
    b.route(`${p}/file.bin`, { body });
    const view = await download({ url: a.url(`${p}/go`), connections: 1 });
    expect(view.state).toBe('completed');
    expect(sha256(await fileOf(view))).toBe(sha256(body));
    expect(a.requestsFor(`${p}/go`)[0]!.headers.cookie).toBe(GIVEN.Cookie);
    const atB = b.requestsFor(`${p}/file.bin`);
    expect(atB.length).toBeGreaterThan(0);
    expect(leaks(atB)).toEqual([]);
    expect(atB[0]!.headers['user-agent']).toBe(GIVEN['User-Agent']);
    expect(atB[0]!.headers.referer).toBe('http://site.example/');
  });

  it('segmented: no range connection to the redirect target carries them, and the file is byte-identical', async () => {
    const body = randomBytes(4 << 20, 2);
    const p = `/c${++n}`;
    a.route(`${p}/go`, { redirect: b.url(`${p}/file.bin`) });
    b.route(`${p}/file.bin`, { body, rateBytesPerSec: 2_000_000 });
    const view = await download({ url: a.url(`${p}/go`), connections: 4 });
    expect(view.state).toBe('completed');
    expect(sha256(await fileOf(view))).toBe(sha256(body));
    const atB = b.requestsFor(`${p}/file.bin`);
    expect(atB.filter((r) => r.headers.range !== undefined).length).toBeGreaterThan(1);
    expect(leaks(atB)).toEqual([]);
  });

  it('a redirect within the origin keeps them on every connection', async () => {
    const body = randomBytes(4 << 20, 3);
    const p = `/c${++n}`;
    a.route(`${p}/go`, { redirect: `${p}/file.bin` });
    a.route(`${p}/file.bin`, { body, rateBytesPerSec: 2_000_000 });
    const view = await download({ url: a.url(`${p}/go`), connections: 4 });
    expect(view.state).toBe('completed');
    expect(sha256(await fileOf(view))).toBe(sha256(body));
    const requests = a.requestsFor(`${p}/file.bin`);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) {
      expect(r.headers.cookie).toBe(GIVEN.Cookie);
      expect(r.headers.authorization).toBe(GIVEN.Authorization);
      expect(r.headers.referer).toBe(GIVEN.Referer);
    }
  });

  it('A → B → A: a chain that left the origin stays without them, on the first request and every range', async () => {
    const body = randomBytes(4 << 20, 4);
    const p = `/c${++n}`;
    a.route(`${p}/go`, { redirect: b.url(`${p}/bounce`) });
    b.route(`${p}/bounce`, { redirect: a.url(`${p}/file.bin`) });
    a.route(`${p}/file.bin`, { body, rateBytesPerSec: 2_000_000 });
    const view = await download({ url: a.url(`${p}/go`), connections: 4 });
    expect(view.state).toBe('completed');
    expect(sha256(await fileOf(view))).toBe(sha256(body));
    expect(a.requestsFor(`${p}/file.bin`).length).toBeGreaterThan(1);
    expect(leaks([...b.requestsFor(`${p}/bounce`), ...a.requestsFor(`${p}/file.bin`)])).toEqual([]);
  });

  it('a redirect met by a range request drops them too', async () => {
    // The first answer comes straight from A (no redirect); A sends each range request on to B.
    const body = randomBytes(4 << 20, 5);
    const p = `/c${++n}`;
    a.route(`${p}/file.bin`, (req, res) => {
      if (req.headers.range !== undefined) {
        res.writeHead(302, { location: b.url(`${p}/file.bin`) }).end();
        return;
      }
      res.writeHead(200, { 'content-length': String(body.length), 'accept-ranges': 'bytes', etag: '"same"' });
      let at = 0;
      const timer = setInterval(() => {
        if (at >= body.length || res.destroyed) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(body.subarray(at, at + 100_000));
        at += 100_000;
      }, 50);
      res.once('close', () => clearInterval(timer));
    });
    b.route(`${p}/file.bin`, { body, rateBytesPerSec: 2_000_000, etag: '"same"' });
    const view = await download({ url: a.url(`${p}/file.bin`), connections: 4 });
    expect(view.state, view.error?.message).toBe('completed');
    expect(sha256(await fileOf(view))).toBe(sha256(body));
    expect(b.requestsFor(`${p}/file.bin`).length).toBeGreaterThan(0);
    expect(leaks(b.requestsFor(`${p}/file.bin`))).toEqual([]);
  });

  it.each([
    ['A → B', false],
    ['A → B → A', true],
  ])('after a restart mid-download (%s) the resumed ranges still go without them', async (_chain, back) => {
    const body = randomBytes(8 << 20, 6);
    const p = `/c${++n}`;
    const file = back ? a : b;
    a.route(`${p}/go`, { redirect: b.url(`${p}/bounce`) });
    b.route(`${p}/bounce`, back ? { redirect: a.url(`${p}/file.bin`) } : { body, rateBytesPerSec: 500_000 });
    a.route(`${p}/file.bin`, { body, rateBytesPerSec: 500_000 });
    const fileRequests = () => file.requestsFor(back ? `${p}/file.bin` : `${p}/bounce`);
    const added = await fx.engine.addDownload({ url: a.url(`${p}/go`), directory: fx.dir, headers: GIVEN, connections: 4 });
    await until(() => (fx.engine.get(added.id)?.download?.segments?.length ?? 0) > 1 && fx.engine.get(added.id)!.progress.bytesDone > 0, 'ranges recorded');
    await fx.engine.close();
    const seenBefore = fileRequests().length;
    const askedFirst = a.requestsFor(`${p}/go`).length;
    await fx.open();
    const [view] = await fx.engine.waitUntilFinished([added.id]);
    expect(view!.state, view!.error?.message).toBe('completed');
    expect(sha256(await fileOf(view!))).toBe(sha256(body));
    // The resumed ranges went straight to the saved final URL, not through A's redirect again.
    expect(fileRequests().length).toBeGreaterThan(seenBefore);
    expect(a.requestsFor(`${p}/go`).length).toBe(askedFirst);
    expect(leaks(fileRequests())).toEqual([]);
  });
});
