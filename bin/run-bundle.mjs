// Runs the CLI bundle (one CommonJS file, scripts/build-cli.mjs) with V8's code cache: compiling
// the bundle's ~2 MB was most of what a `ferry` spent before doing anything (issue 17: 60-120 ms of
// a `ferry get`'s ~235 ms before its first request). Node 20 caches code for vm.Script only (its
// module.enableCompileCache came in Node 22), so the bundle is compiled here as Node would compile
// a CommonJS module, with the cache it left last time.
//
// The cache sits beside the bundle in its build's folder, which never changes once built (a new
// build is a new folder), so a cache never meets other code; V8 itself rejects one from another
// V8 version or other flags, and then a new one is written. Each command has its own
// (`cache-get.bin` ...): it holds the functions that command ran, written when the first run of it
// in this build exits. Where the folder cannot be written (installed read-only) ferry simply runs
// without one.
import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

const COMMANDS = new Set(['get', 'put', 'serve', 'rpc', 'rules']);

/** The code cache file for this command line: one per command, `other` for help, version and mistakes. */
export function cacheFileFor(bundle, argv) {
  const command = COMMANDS.has(argv[0]) ? argv[0] : 'other';
  return path.join(path.dirname(bundle), `cache-${command}.bin`);
}

function readCache(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache beside the bundle, whole or not at all (another ferry may be reading it). */
function writeCache(script, file) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, file);
  } catch {
    // A read-only install, a full disk: the next run compiles as this one did.
    rmSync(temp, { force: true });
  }
}

/**
 * Compiles the bundle (a SyntaxError or a missing file throws from here, before it ran). Returns
 * the function that runs it, and what became of the cache: `used`, `rejected` (written anew at
 * exit) or `none` (written at exit).
 */
export function loadBundle(bundle, argv) {
  const bytes = readFileSync(bundle);
  // The build keeps the bundle ASCII (scripts/build-cli.mjs): read so, it becomes V8's one-byte
  // text at once (median ~7 ms for its 2 MB against ~10 ms through the UTF-8 decoder, here).
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const cacheFile = cacheFileFor(bundle, argv);
  const cachedData = readCache(cacheFile);
  const script = new Script(Module.wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  // Written at exit, so that it holds every function this command ran, not only the top level.
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCache(script, cacheFile));
  const compiled = script.runInThisContext();
  const run = () => {
    const module = { exports: {} };
    compiled.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  };
  return { run, cache: !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used' };
}
