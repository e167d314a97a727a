// bin/run-bundle.mjs: the CLI bundle runs with V8's code cache, one per command, written beside the
// bundle when the first run of that command exits; a cache V8 refuses is replaced, and a folder
// ferry cannot write into costs nothing but the cache.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const RUN_BUNDLE = pathToFileURL(path.resolve(import.meta.dirname, '..', 'bin', 'run-bundle.mjs')).href;

// A stand-in bundle: CommonJS as esbuild writes it, using require and __filename, with enough
// functions that a cache has something to hold.
const BUNDLE = `
const path = require('node:path');
function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
process.stdout.write(JSON.stringify({ file: path.basename(__filename), sum: work(1000), arg: process.argv[2] ?? null }) + '\\n');
`;

/** Runs the bundle through loadBundle in a fresh node, as bin/ferry.js does; returns its output and the cache state. */
function runOnce(bundle: string, args: string[]): { out: { file: string; sum: number; arg: string | null }; cache: string; stderr: string; status: number | null } {
  // The command line as bin/ferry.js sees it: node, the script, then ferry's arguments.
  const argv = JSON.stringify([process.execPath, 'ferry.js', ...args]);
  const script = `process.argv = ${argv}; import(${JSON.stringify(RUN_BUNDLE)}).then(({ loadBundle }) => { const loaded = loadBundle(${JSON.stringify(bundle)}, process.argv.slice(2)); process.stderr.write('cache=' + loaded.cache + '\\n'); loaded.run(); });`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const cache = /cache=(\w+)/.exec(result.stderr)?.[1] ?? '';
  return { out: JSON.parse(result.stdout.trim() || 'null'), cache, stderr: result.stderr.replace(/cache=\w+\n/, ''), status: result.status };
}

let dir: string;
let bundle: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-code-cache-'));
  bundle = path.join(dir, 'main.cjs');
  await writeFile(bundle, BUNDLE);
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI bundle with V8 code cache', () => {
  it('writes a cache for the command when its first run exits, and the next run of that command uses it', async () => {
    const first = runOnce(bundle, ['get', 'http://127.0.0.1/x']);
    expect(first.status).toBe(0);
    expect(first.out).toEqual({ file: 'main.cjs', sum: 2997, arg: 'get' });
    expect(first.cache).toBe('none');
    const written = await stat(path.join(dir, 'cache-get.bin'));
    expect(written.size).toBeGreaterThan(0);

    const second = runOnce(bundle, ['get', 'http://127.0.0.1/y']);
    expect(second.out).toEqual({ file: 'main.cjs', sum: 2997, arg: 'get' });
    expect(second.cache).toBe('used');
    // Used, not rewritten.
    expect((await stat(path.join(dir, 'cache-get.bin'))).mtimeMs).toBe(written.mtimeMs);
    expect(second.stderr).toBe('');
  });

  it('keeps one cache per command (help and mistakes share one)', async () => {
    runOnce(bundle, ['--version']);
    runOnce(bundle, ['serve']);
    expect(runOnce(bundle, ['--help']).cache).toBe('used');
    expect(runOnce(bundle, ['serve']).cache).toBe('used');
    expect(runOnce(bundle, ['get']).cache).toBe('none');
    for (const name of ['cache-other.bin', 'cache-serve.bin', 'cache-get.bin']) expect((await stat(path.join(dir, name))).isFile()).toBe(true);
  });

  it('replaces a cache V8 refuses (another V8, a damaged file) and still runs', async () => {
    await writeFile(path.join(dir, 'cache-put.bin'), Buffer.from('not a code cache at all'));
    const damaged = runOnce(bundle, ['put']);
    expect(damaged.status).toBe(0);
    expect(damaged.out.sum).toBe(2997);
    expect(damaged.cache).toBe('rejected');
    expect((await readFile(path.join(dir, 'cache-put.bin'))).toString()).not.toBe('not a code cache at all');
    expect(runOnce(bundle, ['put']).cache).toBe('used');
  });

  it('runs without a cache, silently, where the folder cannot be written', async () => {
    if (process.getuid?.() === 0) {
      // root writes into a read-only folder anyway: make the cache's name a folder instead.
      await mkdir(path.join(dir, 'cache-rpc.bin'));
    } else {
      await chmod(dir, 0o555);
    }
    const result = runOnce(bundle, ['rpc']);
    expect(result.status).toBe(0);
    expect(result.out.sum).toBe(2997);
    expect(result.stderr).toBe('');
    // No half-written cache left behind either.
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
