// `ferry get --connections 16` as a user runs it, killed twice with SIGKILL: every segment
// continues where its durable bytes end, and the server sends little more than the file.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';

let server: TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-seg-');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

function sent(p: string): number {
  return server.responsesFor(p).reduce((sum, r) => sum + r.bytesSent, 0);
}

describe('ferry get --connections', () => {
  it('survives two SIGKILLs of a 16-connection download: exact bytes, at most 1.1x the file sent', async () => {
    const body = randomBytes(32 << 20, 41);
    // 400 KB/s per connection: one connection would need 84 s, sixteen about 5 s.
    server.route('/kill.bin', { body, rateBytesPerSec: 400_000 });
    const dir = path.join(tmp, 'out');
    const args = ['get', server.url('/kill.bin'), '--dir', dir, '--data-dir', path.join(tmp, 'data'), '--connections', '16', '-q'];
    for (const fraction of [0.25, 0.6]) {
      const child = startFerry(args);
      await waitFor(async () => (child.assertRunning(), sent('/kill.bin') > body.length * fraction), 60_000, `${fraction} of the file`);
      child.process.kill('SIGKILL');
      expect((await child.result).signal).toBe('SIGKILL');
    }
    const requestsBefore = server.requestsFor('/kill.bin').length;
    const last = await runFerry(args, { timeoutMs: 60_000 });
    expect(last.code, last.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'kill.bin')))).toBe(sha256(body));
    expect((await readdir(dir)).filter((n) => n.endsWith('.part'))).toEqual([]);
    // The last run continued ranges (no request from byte 0) over several connections.
    const resumed = server.requestsFor('/kill.bin').slice(requestsBefore);
    expect(resumed.length).toBeGreaterThan(4);
    for (const r of resumed) expect(r.headers.range).toMatch(/^bytes=[1-9]\d*-\d+$/);
    expect(server.peakOpenFor('/kill.bin')).toBeGreaterThanOrEqual(12);
    const ratio = sent('/kill.bin') / body.length;
    console.log(`bytes sent / file size after two SIGKILLs: ${ratio.toFixed(3)}`);
    expect(ratio).toBeLessThanOrEqual(1.1);
  }, 120_000);

  it('opens the connections asked for at once, with nothing on stderr', async () => {
    const body = randomBytes(16 << 20, 43);
    // 1 MB/s per connection: every one of the sixteen still has work when the last opens.
    server.route('/asked.bin', { body, rateBytesPerSec: 1_000_000 });
    const dir = path.join(tmp, 'out');
    const result = await runFerry(['get', server.url('/asked.bin'), '--dir', dir, '--data-dir', path.join(tmp, 'data'), '-x', '16', '-q'], { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    // Sixteen listeners on one abort signal once printed Node's MaxListenersExceededWarning here.
    expect(result.stderr).toBe('');
    expect(sha256(await readFile(path.join(dir, 'asked.bin')))).toBe(sha256(body));
    expect(server.peakOpenFor('/asked.bin')).toBeGreaterThanOrEqual(16);

    // Uncapped loopback: one connection is faster than the ramp's "fast alone" bar, so the ramp
    // would keep one. An asked-for count opens anyway (a count, not a clock: CI machines are slow).
    const fast = randomBytes(16 << 20, 44);
    server.route('/asked-fast.bin', { body: fast });
    const second = await runFerry(['get', server.url('/asked-fast.bin'), '--dir', dir, '--data-dir', path.join(tmp, 'data'), '-x', '16', '-q'], { timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'asked-fast.bin')))).toBe(sha256(fast));
    expect(server.requestsFor('/asked-fast.bin').length).toBeGreaterThanOrEqual(16);
  }, 120_000);
});
