// npm's `prepare` step (runs on `npm install` / `npm ci` in a clone): builds everything the
// `ferry` CLI and its headless host (`ferry serve`) run, so both work right after install:
// the web UI (vite → dist/renderer) and the CLI bundle (esbuild → dist-cli). A failed build
// fails the install with the tool's own errors. Where the build tools are not installed
// (`npm install --omit=dev`), it says so and leaves the work to bin/ferry.js, which then runs
// from the sources and builds the UI on the first `ferry serve`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const has = (name) => existsSync(path.join(root, 'node_modules', name, 'package.json'));

if (!has('vite') || !has('esbuild')) {
  console.log('[ferry] prepare: vite/esbuild are not installed (dev dependencies omitted?); skipping the build. `ferry` will run from the sources.');
  process.exit(0);
}

console.log('[ferry] prepare: building the web UI (vite → dist/renderer) ...');
const vite = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (vite.status !== 0) {
  console.error(`[ferry] prepare: vite build failed (exit ${vite.status ?? vite.signal}); see its errors above.`);
  process.exit(1);
}

console.log('[ferry] prepare: bundling the CLI (esbuild → dist-cli) ...');
const { buildCli } = await import('./build-cli.mjs');
try {
  await buildCli();
} catch {
  console.error('[ferry] prepare: bundling the CLI failed; see esbuild\'s errors above.');
  process.exit(1);
}
