// Bundles the main process (ESM, dist-electron/main.js) and the preload (CommonJS,
// dist-electron/preload.cjs: sandboxed preloads cannot be ES modules). 'electron' stays external;
// main's npm dependencies are bundled too, so the packaged app needs no node_modules lookups
// except the few packages that must stay external.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` builds elsewhere (tests), so a running `npm start` is never clobbered.
const outArg = process.argv.indexOf('--outdir');
const outdir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist-electron');
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: path.join(outdir, 'main.js'),
    format: 'esm',
    // ws's optional native speed-ups are loaded in try/catch; leave them out.
    external: ['electron', 'bufferutil', 'utf-8-validate'],
    // Bundled CommonJS dependencies still call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);" },
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: path.join(outdir, 'preload.cjs'),
    format: 'cjs',
    external: ['electron'],
    platform: 'browser', // the sandboxed preload has no Node built-ins
  }),
]);
console.log(`built ${path.relative(root, outdir) || '.'}/main.js and preload.cjs`);
