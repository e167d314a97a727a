// `ferry get` as a user runs it: a child process against real servers on 127.0.0.1.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { FERRY_BIN, runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';

let server: TestServer;
let dir: string;
let dataDir: string;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-get-');
  dir = path.join(tmp, 'out');
  dataDir = path.join(tmp, 'data');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

describe('ferry get', () => {
  it('downloads a file and exits 0; --quiet prints exactly its path', async () => {
    const body = randomBytes(300_000, 1);
    server.route('/plain.bin', { body });
    const plain = await runFerry(['get', server.url('/plain.bin'), '--dir', dir, '--data-dir', dataDir]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain(path.join(dir, 'plain.bin'));
    expect(sha256(await readFile(path.join(dir, 'plain.bin')))).toBe(sha256(body));

    const quiet = await runFerry(['get', server.url('/plain.bin'), '--dir', dir, '--out', 'copy.bin', '--data-dir', dataDir, '--quiet']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe(`${path.join(dir, 'copy.bin')}\n`);
    expect(quiet.stderr).toBe('');
    expect(sha256(await readFile(path.join(dir, 'copy.bin')))).toBe(sha256(body));
  });

  it('several URLs: the good ones complete even when one fails; exit 1', async () => {
    const body = randomBytes(50_000, 7);
    server.route('/one.bin', { body });
    server.route('/two-missing', { status: 404 });
    const result = await runFerry(['get', server.url('/one.bin'), server.url('/two-missing'), '--dir', dir, '--data-dir', dataDir, '-q']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${path.join(dir, 'one.bin')}\n`);
    expect(result.stderr).toMatch(/two-missing.*404/);
    expect(sha256(await readFile(path.join(dir, 'one.bin')))).toBe(sha256(body));
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal it draws a live progress line', async () => {
    server.route('/tty.bin', { body: randomBytes(1_500_000, 8), rateBytesPerSec: 1_000_000 });
    const ferry = ['node', FERRY_BIN, 'get', server.url('/tty.bin'), '--dir', dir, '--data-dir', dataDir].join(' ');
    // script(1) runs the command on a pseudo-terminal, as a user's shell would.
    const output = await new Promise<string>((resolve, reject) => {
      execFile('/usr/bin/script', ['-qec', ferry, '/dev/null'], { env: { ...process.env, COLUMNS: '100' } }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    const frames = output.split(/\r|\x1b\[J/).filter((frame) => /tty\.bin\s+\d+%/.test(frame));
    expect(frames.length).toBeGreaterThan(3); // redrawn in place as bytes arrive
    expect(frames.some((frame) => /\d+(\.\d+)? (KiB|MiB)\/s\s+ETA \d/.test(frame))).toBe(true);
    expect(output).toContain(`done tty.bin -> ${path.join(dir, 'tty.bin')}`);
  });

  it('a port nothing listens on fails after two quick tries, naming host:port (not minutes of retries)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    // Today's patient budget would take minutes here; the kill at 30 s turns that into a failure.
    const result = await runFerry(['get', `http://127.0.0.1:${port}/x`, '--dir', dir, '--data-dir', dataDir], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`Nothing is listening at 127.0.0.1:${port}`);
    expect(result.stderr).toContain('gave up after 2 attempts');
  });

  it('says when it retries (503 with Retry-After), then completes', async () => {
    const body = randomBytes(20_000, 9);
    server.route('/busy.bin', { statusSequence: [503], retryAfter: '1', body });
    const result = await runFerry(['get', server.url('/busy.bin'), '--dir', dir, '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/busy\.bin: retrying \(attempt 2\) after: .*503/);
    expect(sha256(await readFile(path.join(dir, 'busy.bin')))).toBe(sha256(body));
  });

  it("records no SHA-256 of the finished file (it never shows it; 0.7-1.0 s of CPU per GiB saved)", async () => {
    const body = randomBytes(12 << 20, 9);
    server.route('/unhashed.bin', { body });
    const result = await runFerry(['get', server.url('/unhashed.bin'), '--dir', dir, '--data-dir', dataDir, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'unhashed.bin')))).toBe(sha256(body));
    const names = (await readdir(path.join(dataDir, 'transfers'))).filter((name) => name.endsWith('.json'));
    const texts = await Promise.all(names.map((name) => readFile(path.join(dataDir, 'transfers', name), 'utf8')));
    expect(texts.join('\n')).toContain('unhashed.bin');
    expect(texts.join('\n')).not.toContain('fileSha256');
  });

  it('checks --sha256: a wrong digest fails with exit 1', async () => {
    server.route('/digest.bin', { body: randomBytes(10_000, 2) });
    const result = await runFerry(['get', server.url('/digest.bin'), '--dir', dir, '--data-dir', dataDir, '--sha256', '0'.repeat(64), '-q']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/sha-?256|checksum/i);
    expect(result.stdout).toBe('');
  });

  it('exits 1 naming the HTTP status on one line of stderr', async () => {
    server.route('/gone', { status: 404 });
    const result = await runFerry(['get', server.url('/gone'), '--dir', dir, '--data-dir', dataDir, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/404/);
  });

  it('--limit holds the download to the given rate', async () => {
    const body = randomBytes(600_000, 5);
    server.route('/limited.bin', { body });
    const started = Date.now();
    const result = await runFerry(['get', server.url('/limited.bin'), '--dir', dir, '--data-dir', dataDir, '--limit', '200K', '-q']);
    expect(result.code, result.stderr).toBe(0);
    // 600 kB at 200 KiB/s is ~2.9 s; allow a first burst, but it cannot be near-instant.
    expect(Date.now() - started).toBeGreaterThan(1800);
    expect(sha256(await readFile(path.join(dir, 'limited.bin')))).toBe(sha256(body));
  });

  it('a second ferry on the same data folder is refused while the first runs', async () => {
    server.route('/held.bin', { body: randomBytes(2_000_000, 6), rateBytesPerSec: 400_000 });
    const first = startFerry(['get', server.url('/held.bin'), '--dir', dir, '--data-dir', dataDir]);
    await waitFor(async () => (first.assertRunning(), (await partSize(dir)) > 0), 30_000, 'the first download to start');
    const second = await runFerry(['get', server.url('/held.bin'), '--dir', dir, '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another ferry \(pid \d+\) is using/);
    expect((await first.result).code).toBe(0);
  });

  it.each([
    [['get', 'http://127.0.0.1:1/a', 'http://127.0.0.1:1/b', '--out', 'x']],
    [['get', 'http://127.0.0.1:1/a', '--sha256', 'xyz']],
    [['get', 'http://127.0.0.1:1/a', '--frobnicate']],
    [['get', 'ftp://127.0.0.1/a']],
    [['get']],
  ])('usage error %j exits 2 before anything starts', async (args) => {
    const result = await runFerry([...args, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ferry: /);
    await expect(stat(dataDir)).rejects.toThrow(); // nothing was created
  });

  it('continues after SIGKILL: byte-identical result, the rerun asks for a Range', async () => {
    const body = randomBytes(3_000_000, 3);
    server.route('/big.bin', { body, rateBytesPerSec: 1_000_000 });
    // One connection: this is the single-range path (segments have their own test).
    const args = ['get', server.url('/big.bin'), '--dir', dir, '--data-dir', dataDir, '--connections', '1'];
    const first = startFerry(args);
    // Let at least one progress checkpoint (~1 s) land after the .part file has grown.
    await waitFor(async () => (first.assertRunning(), (await partSize(dir)) > 800_000), 30_000, 'the .part file to grow');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    first.process.kill('SIGKILL');
    const killed = await first.result;
    expect(killed.signal).toBe('SIGKILL');
    expect(await partSize(dir)).toBeLessThan(body.length);

    const second = await runFerry(args);
    expect(second.code, second.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, 'big.bin')))).toBe(sha256(body));
    const requests = server.requestsFor('/big.bin');
    expect(requests.length).toBeGreaterThanOrEqual(2);
    const start = rangeStart(requests.at(-1)!.headers.range);
    expect(start).toBeGreaterThan(0);
    const resumed = server.responsesFor('/big.bin').at(-1)!;
    expect(resumed.status).toBe(206);
    // (The test server counts bytes handed to a socket even after the client died, so the first
    // response's count is not what the client received; the rerun's own count is exact.)
    expect(resumed.bytesSent).toBe(body.length - start);
    expect((await readdir(dir)).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s checkpoints and exits 130; the rerun continues', async (signal) => {
    const body = randomBytes(2_000_000, 4);
    server.route(`/interrupt-${signal}.bin`, { body, rateBytesPerSec: 1_000_000 });
    const args = ['get', server.url(`/interrupt-${signal}.bin`), '--dir', dir, '--data-dir', dataDir];
    const first = startFerry(args);
    await waitFor(async () => (first.assertRunning(), (await partSize(dir)) > 500_000), 30_000, 'the .part file to grow');
    first.process.kill(signal);
    const interrupted = await first.result;
    expect(interrupted.code).toBe(130);

    const second = await runFerry(args);
    expect(second.code, second.stderr).toBe(0);
    expect(sha256(await readFile(path.join(dir, `interrupt-${signal}.bin`)))).toBe(sha256(body));
    const requests = server.requestsFor(`/interrupt-${signal}.bin`);
    // Ctrl-C checkpointed what was on disk then: the rerun starts at least there.
    expect(rangeStart(requests.at(-1)!.headers.range)).toBeGreaterThanOrEqual(500_000);
    expect(server.responsesFor(`/interrupt-${signal}.bin`).at(-1)!.status).toBe(206);
  });
});

function rangeStart(header: string | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(header ?? '');
  if (!match) throw new Error(`expected an open-ended Range, got ${header}`);
  return Number(match[1]);
}

async function partSize(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const part = names.find((name) => name.endsWith('.part'));
  return part ? (await stat(path.join(folder, part))).size : 0;
}
