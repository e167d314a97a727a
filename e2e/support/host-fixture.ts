// The real thing for the host e2e: the headless host (real engine, temp data dir) serving the
// built renderer, plus loopback servers to download from and upload to. Run as a child process
// through tsx (`node --import tsx e2e/support/host-fixture.ts`); prints one JSON line with
// everything the tests need, then runs until SIGTERM/SIGINT, when it closes it all.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runHeadlessHost } from '../../electron/hosts/headless/headless-host';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../test-support/files';
import { startTestServer } from '../../test-support/http-test-server';
import { startRawReceiver } from '../../test-support/upload-servers';

export interface HostFixtureInfo {
  ui: string;
  downloads: string;
  big: { url: string; size: number; sha256: string };
  slow: { url: string; name: string };
  /** One connection at 40 kB/s: minutes long, for what must still be running seconds later. */
  crawl: { url: string; name: string };
  segmented: { url: string; name: string };
  unknownSize: { url: string; size: number };
  missing: string;
  /** 503 with Retry-After: 40, every time. */
  busy: string;
  checked: { url: string; sha256: string };
  /** Rules: `photo` redirects to a Content-Disposition naming cat.png; `disc` is disc.iso. */
  rules: { photo: string; photoSha256: string; disc: string };
  receiver: { url: string; dir: string };
  /** The host's home folder (HOME), where `~` leads. */
  home: string;
  /** What the host asked the OS to open or show (the fake xdg-open and dbus-send write here). */
  openLog: string;
  /** The aria2 RPC, as the browser extension reaches it (only when started with `rpc: true`). */
  rpc?: { endpoint: string; secret: string };
}

const dir = await makeTempDir('ferry-e2e-');
const downloads = path.join(dir, 'downloads');
await mkdir(downloads);
// A home of its own, so `~` typed in the UI leads into the temp folder; and the OS's openers as
// scripts that write down what they were asked, so "Open" and "Show in folder" are seen, not run.
const home = path.join(dir, 'home');
await mkdir(home);
process.env.HOME = home;
const bin = path.join(dir, 'bin');
const openLog = path.join(dir, 'opened.log');
await mkdir(bin);
for (const name of ['xdg-open', 'dbus-send']) {
  await writeFile(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${openLog}'\n`, { mode: 0o755 });
}
process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;

const server = await startTestServer();
// Big enough and slow enough (≈ 4 s over the default 16 connections) to pause and resume mid-way;
// ranges and a strong ETag. The rate is per connection, as with nginx's limit_rate.
const big = randomBytes(12_000_000, 42);
server.route('/big.bin', { body: big, rateBytesPerSec: 200_000 });
// A segmented download that runs long enough (≈ 10 s over 16 connections) to look at its ranges.
server.route('/segmented.bin', { body: randomBytes(48_000_000, 8), rateBytesPerSec: 300_000 });
server.route('/slow.bin', { body: randomBytes(20_000_000, 7), rateBytesPerSec: 400_000 });
server.route('/crawl.bin', { body: randomBytes(8_000_000, 6), rateBytesPerSec: 40_000, ranges: false });
server.route('/stream.bin', { body: randomBytes(3_000_000, 9), rateBytesPerSec: 1_000_000, noContentLength: true });
server.route('/missing.bin', { status: 404 });
server.route('/busy.bin', { status: 503, retryAfter: '40' });
const checked = randomBytes(400_000, 3);
server.route('/checked.bin', { body: checked });
// Rules (issue 20): a link that says nothing of its file until the redirect's Content-Disposition, and a disc image.
const photo = randomBytes(200_000, 5);
server.route('/get/photo', { redirect: '/blob/77' });
server.route('/blob/77', { body: photo, headers: { 'content-disposition': 'attachment; filename="cat.png"' } });
server.route('/pub/disc.iso', { body: randomBytes(100_000, 4) });
const receiver = await startRawReceiver('store');

const withRpc = process.env.FERRY_E2E_RPC === '1';
const host = await runHeadlessHost({ port: 0, dataDir: path.join(dir, 'data'), print: () => {}, handleSignals: false, ...(withRpc ? { rpc: { port: 0 } } : {}) });
await host.service.handle('setSettings', { downloadDirectory: downloads });

const info: HostFixtureInfo = {
  ui: host.url,
  downloads,
  big: { url: server.url('/big.bin'), size: big.length, sha256: sha256(big) },
  slow: { url: server.url('/slow.bin'), name: 'slow.bin' },
  crawl: { url: server.url('/crawl.bin'), name: 'crawl.bin' },
  segmented: { url: server.url('/segmented.bin'), name: 'segmented.bin' },
  unknownSize: { url: server.url('/stream.bin'), size: 3_000_000 },
  missing: server.url('/missing.bin'),
  busy: server.url('/busy.bin'),
  checked: { url: server.url('/checked.bin'), sha256: sha256(checked) },
  rules: { photo: server.url('/get/photo'), photoSha256: sha256(photo), disc: server.url('/pub/disc.iso') },
  receiver: { url: receiver.url('/in/{filename}'), dir: receiver.dir },
  home,
  openLog,
  // The endpoint file the extension's pairing reads: where, and with which secret.
  ...(withRpc ? { rpc: JSON.parse(await readFile(path.join(dir, 'data', 'rpc-endpoint.json'), 'utf8')) as { endpoint: string; secret: string } } : {}),
};
process.stdout.write(`${JSON.stringify(info)}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await host.close().catch(() => {});
  await Promise.allSettled([server.close(), receiver.close()]);
  await removeDir(dir);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
// The test runner died without telling us: do not linger.
process.stdin.on('end', () => void shutdown());
process.stdin.on('close', () => void shutdown());
process.stdin.resume();
