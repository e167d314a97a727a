#!/usr/bin/env node
// The `ferry` command: runs electron/hosts/cli/main.ts.
// Start-up and memory matter for a command-line tool: TypeScript through tsx's loader costs about
// half a second and 30 MB per start, and loading got & co. module by module another 10 MB. So the
// CLI is bundled once with esbuild (dependencies included) into the user's cache folder and
// rebuilt whenever one of its source files changes (size and mtime, checked in a few ms) or npm
// installs something. Where that cannot work (esbuild missing, read-only install,
// FERRY_NO_BUNDLE=1, `serve`, whose host finds files relative to its sources) it runs through tsx.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'electron', 'hosts', 'cli', 'main.ts');
const cacheDir = path.join(userCacheDir(), 'ferry', `cli-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`);
/** Names the current build folder and the size:mtime of every source file that went into it. */
const stampPath = path.join(cacheDir, 'cli-build.json');
const OLD_BUILD_MS = 3600_000;

// Outside node_modules on purpose: Node spends 4 MB more on the same modules loaded from there.
function userCacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return xdg;
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  return path.join(os.homedir(), '.cache');
}

function signature(file) {
  const info = statSync(path.join(root, file));
  return `${info.size}:${info.mtimeMs}`;
}

/**
 * Our sources one by one; dependencies as a whole, through npm's record of what it installed;
 * and this file, whose build options shape the bundle too.
 */
function watchedFiles(inputs) {
  return [...inputs.filter((file) => !file.startsWith('node_modules/')), 'node_modules/.package-lock.json', 'bin/ferry.js'];
}

function freshBuild() {
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
    const main = path.join(cacheDir, stamp.dir, 'main.mjs');
    statSync(main);
    return Object.entries(stamp.files).every(([file, sig]) => signature(file) === sig) ? main : null;
  } catch {
    return null;
  }
}

async function rebuild() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  // Each build gets its own folder (code splitting keeps `--help` from loading the engine), so a
  // concurrent ferry still loading chunks from an older build is never disturbed.
  // Short names: oddly, Node used 4 MB more RSS for the same bundle under a longer path.
  const dir = `b-${startedAt.toString(36)}${process.pid.toString(36)}`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: entry },
    outdir: path.join(cacheDir, dir),
    bundle: true,
    splitting: true,
    // .mjs: under node_modules no package.json says "type": "module", and letting Node guess
    // would parse every file twice (8 MB more memory).
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Less to parse at every start (got's chunk: 200 -> 130 KB, ~10 ms); names are kept, so an
    // internal error's stack still says which function failed.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'silent',
    // Parts of got that Ferry never uses (HTTP/2, response caching) but got imports up front:
    // stand-ins that fail in words if ever used save every start the time to load them.
    alias: {
      'http2-wrapper': './electron/hosts/cli/bundle-stubs/http2-wrapper.ts',
      'cacheable-request': './electron/hosts/cli/bundle-stubs/cacheable-request.ts',
    },
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);" },
  });
  const files = watchedFiles(Object.keys(result.metafile.inputs));
  const stamp = { dir, files: Object.fromEntries(files.map((file) => [file, signature(file)])) };
  // A source edited while building may be missing from this build: use it once, stamp nothing.
  if (!files.some((file) => statSync(path.join(root, file)).mtimeMs >= startedAt)) {
    const temp = `${stampPath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(stamp));
    renameSync(temp, stampPath);
  }
  for (const old of readdirSync(cacheDir)) {
    if (!old.startsWith('b-') || old === dir) continue;
    const age = startedAt - statSync(path.join(cacheDir, old)).mtimeMs;
    if (age > OLD_BUILD_MS) rmSync(path.join(cacheDir, old), { recursive: true, force: true });
  }
  return path.join(cacheDir, dir, 'main.mjs');
}

async function bundledEntry() {
  if (process.env.FERRY_NO_BUNDLE || process.argv[2] === 'serve') return null;
  try {
    return pathToFileURL(freshBuild() ?? (await rebuild())).href;
  } catch {
    return null;
  }
}

async function runFromSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}

const bundled = await bundledEntry();
if (!bundled) {
  await runFromSources();
} else {
  try {
    await import(bundled);
  } catch (error) {
    // A build that cannot even be loaded (a chunk deleted, a syntax Node refuses) fails before
    // the CLI has done anything: run from the sources instead. Any other error is the CLI's own.
    const unloadable = error instanceof SyntaxError || error?.code === 'ERR_MODULE_NOT_FOUND';
    if (!unloadable) throw error;
    rmSync(stampPath, { force: true });
    await runFromSources();
  }
}
