// `ferry get -i FILE` as a user runs it, beside Debian's `aria2c -i` on the same file: the same
// files under the same names (out, dir, Content-Disposition), one numbering rule apart for a name
// taken twice (aria2 `file.1.bin`, Ferry `file (1).bin`: docs/cli.md, "Lists of links").
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runFerry, stopStartedFerries } from '../../../test-support/ferry-process';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';

const ARIA2C = '/usr/bin/aria2c';
let server: TestServer;
let tmp: string;

const bodies = {
  a: randomBytes(300_000, 1),
  b: randomBytes(200_000, 2),
  disposition: randomBytes(100_000, 3),
  dup1: randomBytes(150_000, 4),
  dup2: randomBytes(150_000, 5),
  mirrored: randomBytes(120_000, 6),
  checked: randomBytes(90_000, 7),
  headed: randomBytes(80_000, 8),
  big: randomBytes(3 << 20, 9),
};

beforeAll(async () => {
  server = await startTestServer();
  server.route('/list/a.bin', { body: bodies.a });
  server.route('/list/b.bin', { body: bodies.b });
  server.route('/list/download', { body: bodies.disposition, headers: { 'content-disposition': 'attachment; filename="report.pdf"' } });
  server.route('/list/one/file.bin', { body: bodies.dup1 });
  server.route('/list/two/file.bin', { body: bodies.dup2 });
  server.route('/list/mirrored.bin', { body: bodies.mirrored });
  server.route('/mirror/mirrored.bin', { body: bodies.mirrored });
  server.route('/list/checked.bin', { body: bodies.checked });
  server.route('/list/headed.bin', { body: bodies.headed });
  server.route('/list/big.bin', { body: bodies.big, rateBytesPerSec: 2_000_000 });
  server.route('/list/missing.bin', { status: 404 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-list-');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

/** Every file under `root` (relative path -> sha256), leaving out aria2's control files. */
async function filesUnder(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.aria2')) continue;
    const full = path.join(entry.parentPath, entry.name);
    found.set(path.relative(root, full), sha256(await readFile(full)));
  }
  return found;
}

function aria2c(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(ARIA2C, ['--no-conf', '--max-tries=1', '--console-log-level=warn', '--summary-interval=0', '--download-result=hide', ...args], { cwd }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe.skipIf(!existsSync(ARIA2C))(`ferry get -i beside aria2c -i${existsSync(ARIA2C) ? '' : ' (skipped: needs Debian\'s aria2)'}`, () => {
  it('the same input file leaves the same files under the same names', async () => {
    const u = (p: string) => server.url(p);
    const list = [
      '# the same list for aria2c -i and ferry get -i',
      u('/list/a.bin'),
      '  out=renamed.bin',
      '',
      u('/list/b.bin'),
      '\tdir=sub',
      u('/list/download'),
      u('/list/one/file.bin'),
      u('/list/two/file.bin'),
      `${u('/list/mirrored.bin')}\t${u('/mirror/mirrored.bin')}`,
      u('/list/checked.bin'),
      `  checksum=sha-256=${sha256(bodies.checked)}`,
      '  max-tries=2',
      u('/list/headed.bin'),
      '  header=X-From-List: yes',
      '  out=deeper/headed.bin',
      '',
    ].join('\n');
    await writeFile(path.join(tmp, 'links.txt'), list);
    const ariaDir = path.join(tmp, 'aria2');
    const ferryDir = path.join(tmp, 'ferry');
    await Promise.all([mkdir(ariaDir), mkdir(ferryDir)]);

    const aria = await aria2c(['-i', path.join(tmp, 'links.txt')], ariaDir);
    expect(aria.code, aria.stderr).toBe(0);
    // aria2c saves into the current folder; `ferry get` into its download folder unless told `--dir .`.
    const ferry = await runFerry(['get', '-i', path.join(tmp, 'links.txt'), '--dir', '.', '--data-dir', path.join(tmp, 'data')], { cwd: ferryDir });
    expect(ferry.code, ferry.stderr).toBe(0);
    // The line's mirror is the download's (a file this small comes over one connection, from the first).
    expect(ferry.stderr).not.toContain('not used yet');

    const byAria = await filesUnder(ariaDir);
    const byFerry = await filesUnder(ferryDir);
    // A name taken twice: aria2 numbers `file.1.bin`, Ferry `file (1).bin`; which of the two gets
    // the plain name depends on which finished first, in both.
    const renumbered = new Map([...byAria].map(([name, hash]) => [name.replace(/^file\.1\.bin$/, 'file (1).bin'), hash]));
    expect([...byFerry.keys()].sort()).toEqual([...renumbered.keys()].sort());
    expect([...byFerry.keys()].sort()).toEqual(
      ['renamed.bin', path.join('sub', 'b.bin'), 'report.pdf', 'file.bin', 'file (1).bin', 'mirrored.bin', 'checked.bin', path.join('deeper', 'headed.bin')].sort(),
    );
    for (const [name, hash] of renumbered) if (!name.startsWith('file')) expect(byFerry.get(name), name).toBe(hash);
    expect([byFerry.get('file.bin'), byFerry.get('file (1).bin')].sort()).toEqual([sha256(bodies.dup1), sha256(bodies.dup2)].sort());
    expect(byFerry.get('renamed.bin')).toBe(sha256(bodies.a));
    // The header went along with its own download only, from both.
    const headed = server.requestsFor('/list/headed.bin');
    expect(headed.length).toBeGreaterThanOrEqual(2);
    for (const request of headed) expect(request.headers['x-from-list']).toBe('yes');
    expect(server.requestsFor('/list/a.bin').every((r) => r.headers['x-from-list'] === undefined)).toBe(true);
  });
});

describe('ferry get -i', () => {
  it('every entry is its own download: a 404 and a wrong checksum fail alone, the others complete, exit 1', async () => {
    const out = path.join(tmp, 'out');
    const list = [
      server.url('/list/missing.bin'),
      server.url('/list/a.bin'),
      server.url('/list/checked.bin'),
      `  checksum=sha-256=${'0'.repeat(64)}`,
      server.url('/list/big.bin'),
      '  out=big-one.bin',
      '',
    ].join('\n');
    await writeFile(path.join(tmp, 'links.txt'), list);
    const result = await runFerry(['get', '-i', 'links.txt', '--dir', out, '--data-dir', path.join(tmp, 'data'), '-q'], { cwd: tmp });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing\.bin.*404/);
    expect(result.stderr).toMatch(/checked\.bin.*(SHA-256|checksum)/i);
    expect(result.stdout.trim().split('\n').sort()).toEqual([path.join(out, 'a.bin'), path.join(out, 'big-one.bin')].sort());
    expect(sha256(await readFile(path.join(out, 'big-one.bin')))).toBe(sha256(bodies.big));
    // A file whose checksum failed is not left under its name (aria2 leaves it, with its control file).
    expect((await readdir(out)).filter((name) => name.startsWith('checked'))).toEqual([]);
  });

  it('-i - reads standard input; URL arguments and --dir go with it', async () => {
    const out = path.join(tmp, 'out');
    const result = await runFerry(['get', server.url('/list/a.bin'), '-i', '-', '--dir', out, '--data-dir', path.join(tmp, 'data'), '-q'], {
      input: `${server.url('/list/b.bin')}\n  out=from-stdin.bin\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(sha256(await readFile(path.join(out, 'a.bin')))).toBe(sha256(bodies.a));
    expect(sha256(await readFile(path.join(out, 'from-stdin.bin')))).toBe(sha256(bodies.b));
  });

  it('a bad value is a usage error naming its line, before anything is downloaded (exit 2)', async () => {
    const before = server.requestsFor('/list/a.bin').length;
    const list = `${server.url('/list/a.bin')}\n  out=fine.bin\n${server.url('/list/b.bin')}\n  max-connection-per-server=many\n`;
    const result = await runFerry(['get', '-i', '-', '--dir', path.join(tmp, 'out'), '--data-dir', path.join(tmp, 'data')], { input: list });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ferry: standard input line 4: max-connection-per-server: must be a number from 1 to 16$/m);
    expect(server.requestsFor('/list/a.bin')).toHaveLength(before);
    expect(existsSync(path.join(tmp, 'out', 'fine.bin'))).toBe(false);
  });

  it('an empty list is nothing to do (exit 0), as for aria2', async () => {
    const result = await runFerry(['get', '-i', '-', '--data-dir', path.join(tmp, 'data')], { input: '# nothing today\n\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/names no URL; nothing to download/);
  });
});
