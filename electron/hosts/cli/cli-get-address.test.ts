// `ferry get NEW_URL --out SAME_NAME`: the link of an unfinished download expired, and the user
// runs the command again with a fresh one. Ferry continues that download (it asks nothing, it
// says so), keeping its bytes because the new link serves the same file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startExpiringLinks, type ExpiringLinks } from '../../../test-support/expiring-links';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';

const MiB = 1024 * 1024;
let tmp: string;
let links: ExpiringLinks;

beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-address-');
});
afterEach(async () => {
  await stopStartedFerries();
  await links?.close();
  await removeDir(tmp);
});

it('a rerun with a fresh link and the same --out continues the download: byte-identical, ≤ 1.1x sent', async () => {
  const body = randomBytes(8 * MiB, 21);
  links = await startExpiringLinks(body, { rateBytesPerSec: MiB });
  const dir = path.join(tmp, 'out');
  const common = ['--out', 'big.bin', '--dir', dir, '--data-dir', path.join(tmp, 'data')];
  const first = startFerry(['get', links.issue(), ...common]);
  await waitFor(async () => (first.assertRunning(), links.bodyBytesSent() > 3 * MiB), 30_000, 'three MiB sent');
  first.process.kill('SIGINT');
  expect((await first.result).code).toBe(130);
  const old = links.requests[0]!.token;
  links.expire(`http://x/file?token=${old}`);

  const second = await runFerry(['get', links.issue(), ...common]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr + second.stdout).toMatch(/continuing an earlier download \(\d+ bytes already there\) from the new address/);
  expect(sha256(await readFile(path.join(dir, 'big.bin')))).toBe(sha256(body));
  expect(links.bodyBytesSent()).toBeLessThanOrEqual(1.1 * body.length);
  // The old link was not asked again: the rerun went to the new one only.
  expect(links.requests.filter((r) => r.status === 403)).toEqual([]);
});
