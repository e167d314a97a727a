// A link that expired before its download finished, continued with a fresh one: the bytes on disk
// are kept only when the new link serves the same file (same size, and a range already written
// agrees byte for byte; a signed link's ETag changes, so validators prove nothing); otherwise the
// download starts over and its log says why. The expiring links come from test-support.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startExpiringLinks, type ExpiringLinks } from '../../../test-support/expiring-links';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { until } from '../../../test-support/wait';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';

const MiB = 1024 * 1024;
const FILE = randomBytes(16 * MiB, 17);

let tmp: string;
let dir: string;
let engine: TransferEngine;
const servers: ExpiringLinks[] = [];

async function serve(body: Buffer): Promise<ExpiringLinks> {
  // Slow enough to pause mid-way on a loaded machine, fast enough for a short test.
  const links = await startExpiringLinks(body, { rateBytesPerSec: 2 * MiB });
  servers.push(links);
  return links;
}

beforeEach(async () => {
  tmp = await makeTempDir('ferry-expired-');
  dir = path.join(tmp, 'downloads');
  await mkdir(dir);
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 256 * 1024, connections: 4 }) },
    settings: { stallTimeoutMs: 5000, retryBaseMs: 50, retryMaxMs: 300 },
  });
});
afterEach(async () => {
  await engine.close();
  for (const s of servers.splice(0)) await s.close();
  await removeDir(tmp);
});

/** Starts the download from `url`, pauses it past 6 MiB, lets the link expire and fails on it. */
async function pausedThenExpired(links: ExpiringLinks): Promise<string> {
  const url = links.issue();
  const view = await engine.addDownload({ url, directory: dir, fileName: 'big.bin', connections: 4 });
  await until(() => (engine.get(view.id)?.progress.bytesDone ?? 0) >= 6 * MiB, 'six MiB written', 60_000);
  await engine.pause(view.id);
  links.expire(url);
  await engine.resume(view.id);
  await until(() => engine.get(view.id)?.state === 'failed', 'the expired link fails', 30_000);
  expect(engine.get(view.id)!.error?.status).toBe(403);
  return view.id;
}

it('a fresh link to the same file continues the download: ≤ 1.1x the file sent in all, byte-identical', async () => {
  const links = await serve(FILE);
  const id = await pausedThenExpired(links);
  const kept = engine.get(id)!.progress.bytesDone;
  const fresh = links.issue();
  await engine.setDownloadUrls(id, [fresh]);
  expect(engine.get(id)!.url).toBe(fresh);
  await engine.retry(id);
  const [done] = await engine.waitUntilFinished([id]);
  expect(done!.state).toBe('completed');
  expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(FILE));
  expect(links.bodyBytesSent()).toBeLessThanOrEqual(1.1 * FILE.length);
  const log = done!.log.map((e) => e.message).join('\n');
  expect(log).toContain('serves the same file');
  expect(log).toContain(`Address changed to ${fresh}`);
  expect(log).not.toContain('Starting over');
  // The fresh link was asked only for what was missing (and a few KiB to compare).
  expect(kept).toBeGreaterThanOrEqual(6 * MiB);
});

it.each([
  { what: 'another file of the same size', other: () => randomBytes(FILE.length, 99), says: /Starting over from byte 0: .*differ from the ones already downloaded/ },
  { what: 'a file of another size', other: () => randomBytes(FILE.length - 1000, 7), says: /Starting over from byte 0: .*serves \d+ bytes, this download has \d+/ },
])('a fresh link to $what starts over and says why', async ({ other: make, says }) => {
  const links = await serve(FILE);
  const id = await pausedThenExpired(links);
  const other = make();
  const elsewhere = await serve(other);
  await engine.setDownloadUrls(id, [elsewhere.issue()]);
  await engine.retry(id);
  const [done] = await engine.waitUntilFinished([id]);
  expect(done!.state).toBe('completed');
  expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(other));
  expect(done!.log.map((e) => e.message).join('\n')).toMatch(says);
});
