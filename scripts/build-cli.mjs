// Bundles the `ferry` command (electron/ferry-cli.ts and electron/hosts/cli/, with their dependencies) into
// dist-cli/ with esbuild. Run by npm's `prepare` step (scripts/prepare.mjs) on `npm install` /
// `npm ci`, and by bin/ferry.js when a developer's source edits made the bundle stale.
//
// Why a bundle: TypeScript through tsx's loader costs about half a second and 30 MB per start,
// and loading got & co. module by module another 10 MB. Why one CommonJS file: bin/ferry.js
// compiles it with V8's code cache (bin/run-bundle.mjs), which Node 20 offers for scripts only,
// not ES modules; the cache spares each start most of its compiling (issue 17: 60-120 ms of a
// `ferry get`'s ~235 ms before its first request). What `get` does not need is still only
// evaluated when used: esbuild keeps a lazily imported module behind its first import().
// Each build gets its own folder, and dist-cli/build.json names the current one with the
// size:mtime of every file that went into it, so a ferry still running an older build is never
// disturbed (nor its code cache, which lives beside its bundle), and bin/ferry.js can tell a
// stale bundle in a few ms.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lazyListFormat } from './lazy-list-format.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const outRoot = path.join(root, 'dist-cli');
export const stampPath = path.join(outRoot, 'build.json');
const entry = path.join(root, 'electron', 'ferry-cli.ts');
const OLD_BUILD_MS = 3600_000;

export function signature(file) {
  const info = statSync(path.join(root, file));
  return `${info.size}:${info.mtimeMs}`;
}

/**
 * Our sources one by one; dependencies as a whole, through the lock file; and the two files
 * whose build options shape the bundle.
 */
function watchedFiles(inputs) {
  return [...inputs.filter((file) => !file.startsWith('node_modules/')), 'package-lock.json', 'bin/ferry.js', 'bin/run-bundle.mjs', 'scripts/build-cli.mjs', 'scripts/lazy-list-format.mjs'];
}

/** The bundle's file name inside a build's folder. */
export const BUNDLE_NAME = 'main.cjs';

/** Builds and returns the new build's main.cjs. esbuild's errors are printed and thrown. */
export async function buildCli() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  // Short names: oddly, Node used 4 MB more RSS for the same bundle under a longer path.
  const dir = `b-${startedAt.toString(36)}${process.pid.toString(36)}`;
  mkdirSync(outRoot, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: entry },
    outdir: path.join(outRoot, dir),
    bundle: true,
    // .cjs: whatever package.json is nearest (ours says "module"), the file is plain CommonJS.
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of Node's own modules (and of the optional xattr package) becomes require(): a
    // script compiled with vm.Script has no ES module loader to import with.
    supported: { 'dynamic-import': false },
    // The few import.meta.url (the package root is found from the bundle's place) are the bundle's.
    define: { 'import.meta.url': '__ferryBundleUrl' },
    // Less to parse at every start (got's chunk: 200 -> 130 KB, ~10 ms); names are kept, so an
    // internal error's stack still says which function failed.
    minifyWhitespace: true,
    minifySyntax: true,
    // Licences go to main.cjs.LEGAL.txt beside it: one of them (a name with an umlaut) was the only
    // non-ASCII text left, and Node reads a file with any as UTF-16 (10-30 ms more per start).
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    // ws's optional native speed-ups are loaded in try/catch; leave them out.
    external: ['bufferutil', 'utf-8-validate'],
    // Parts of got that Ferry never uses (HTTP/2, response caching) but got imports up front:
    // stand-ins that fail in words if ever used save every start the time to load them.
    alias: {
      'http2-wrapper': './electron/hosts/cli/bundle-stubs/http2-wrapper.ts',
      'cacheable-request': './electron/hosts/cli/bundle-stubs/cacheable-request.ts',
    },
    plugins: [lazyListFormat],
    banner: { js: "var __ferryBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  warnIfNotAscii(path.join(outRoot, dir, BUNDLE_NAME));
  const files = watchedFiles(Object.keys(result.metafile.inputs));
  const stamp = { dir, files: Object.fromEntries(files.map((file) => [file, signature(file)])) };
  // A source edited while building may be missing from this build: use it once, stamp nothing.
  if (!files.some((file) => statSync(path.join(root, file)).mtimeMs >= startedAt)) {
    const temp = `${stampPath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(stamp));
    renameSync(temp, stampPath);
  }
  for (const old of readdirSync(outRoot)) {
    if (!old.startsWith('b-') || old === dir) continue;
    const age = startedAt - statSync(path.join(outRoot, old)).mtimeMs;
    if (age > OLD_BUILD_MS) rmSync(path.join(outRoot, old), { recursive: true, force: true });
  }
  return path.join(outRoot, dir, BUNDLE_NAME);
}

/** esbuild escapes non-ASCII in strings but not in regular expressions: say where one slipped in. */
function warnIfNotAscii(bundle) {
  const bytes = readFileSync(bundle);
  const at = bytes.findIndex((byte) => byte > 0x7f);
  if (at < 0) return;
  const context = bytes.subarray(Math.max(0, at - 60), at + 20).toString('utf8').replace(/\s+/g, ' ');
  console.warn(`[ferry] the CLI bundle is not plain ASCII (byte ${at}: ...${context}...): Node reads it as UTF-16, 10-30 ms more per start; escape the character (\\u00XX) in the source`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const main = await buildCli();
  console.log(`[ferry] built the CLI bundle: ${path.relative(root, main)}`);
}
