// Where `ferry get` saves, as a new user meets it: a child process whose HOME is an empty folder
// (no ~/Downloads, no data folder yet). Without --dir it saves where the app saves (the download
// folder from Settings, ~/Downloads by default, made when missing) and prints the full path;
// `--dir .` keeps curl's habit of the current folder.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { runFerry, stopStartedFerries } from '../../../test-support/ferry-process';
import { seedSettings } from '../../../test-support/rpc-host';

const BODY = randomBytes(200_000, 18);
let server: TestServer;
let tmp: string;
let home: string;
let cwd: string;
/** A fresh account: HOME empty, no XDG or FERRY_DATA_DIR pointing elsewhere. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/first.bin', { body: BODY });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-folder-');
  home = path.join(tmp, 'home');
  cwd = path.join(tmp, 'somewhere');
  await mkdir(home);
  await mkdir(cwd);
  env = { HOME: home, XDG_DATA_HOME: '', XDG_CONFIG_HOME: '', FERRY_DATA_DIR: '' };
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

describe('ferry get without --dir', () => {
  it('on a fresh account saves into a new ~/Downloads (not the current folder) and prints the full path', async () => {
    const result = await runFerry(['get', server.url('/first.bin')], { cwd, env });
    expect(result.code, result.stderr).toBe(0);
    const saved = path.join(home, 'Downloads', 'first.bin');
    expect(result.stdout).toContain(saved);
    expect(sha256(await readFile(saved))).toBe(sha256(BODY));
    expect(await readdir(cwd)).toEqual([]);

    const quiet = await runFerry(['get', server.url('/first.bin'), '--out', 'again.bin', '-q'], { cwd, env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe(`${path.join(home, 'Downloads', 'again.bin')}\n`);
  });

  it("saves into the download folder from Settings (the data folder's settings)", async () => {
    const dataDir = path.join(tmp, 'data');
    const chosen = path.join(tmp, 'chosen folder');
    seedSettings(dataDir, { downloadDirectory: chosen });
    const result = await runFerry(['get', server.url('/first.bin'), '--data-dir', dataDir, '-q'], { cwd, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${path.join(chosen, 'first.bin')}\n`);
    expect(sha256(await readFile(path.join(chosen, 'first.bin')))).toBe(sha256(BODY));
  });

  it("a -i list's entries go there too, `out=sub/name` into a subfolder of it; with --dir, under that", async () => {
    const list = `${server.url('/first.bin')}\n  out=deep/er/listed.bin\n${server.url('/first.bin')}\n  out=plain.bin\n`;
    const result = await runFerry(['get', '-i', '-', '-q'], { cwd, env, input: list });
    expect(result.code, result.stderr).toBe(0);
    const downloads = path.join(home, 'Downloads');
    expect(result.stdout.trim().split('\n').sort()).toEqual([path.join(downloads, 'deep', 'er', 'listed.bin'), path.join(downloads, 'plain.bin')]);
    expect(sha256(await readFile(path.join(downloads, 'deep', 'er', 'listed.bin')))).toBe(sha256(BODY));

    const named = await runFerry(['get', '-i', '-', '--dir', 'out', '-q'], { cwd, env, input: list });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout.trim().split('\n').sort()).toEqual([path.join(cwd, 'out', 'deep', 'er', 'listed.bin'), path.join(cwd, 'out', 'plain.bin')]);
  });

  it('--dir . saves into the current folder, as curl does', async () => {
    const result = await runFerry(['get', server.url('/first.bin'), '--dir', '.', '-q'], { cwd, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${path.join(cwd, 'first.bin')}\n`);
    expect(sha256(await readFile(path.join(cwd, 'first.bin')))).toBe(sha256(BODY));
  });
});
