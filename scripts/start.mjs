// `npm start`: build the renderer when a source is newer than the build (renderer-freshness.mjs)
// and the Electron bundles, then launch the desktop app. Where
// the Electron binary is not installed (machines without internet during npm install), say so,
// say how to get it, and run the headless host instead so Ferry is still usable in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rendererFreshness } from './renderer-freshness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`[ferry] ${path.basename(command)} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function electronBinaryInstalled() {
  return existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
}

function relay(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const passThrough = process.argv.slice(2);
const renderer = rendererFreshness(root);
if (renderer.stale) {
  console.log(`[ferry] building the web UI (vite build): ${renderer.why} ...`);
  run(bin('vite'), ['build', '--logLevel', 'warn']);
} else {
  console.log(`[ferry] ${renderer.why}; not rebuilding it.`);
}

if (!electronBinaryInstalled()) {
  console.log(
    [
      '[ferry] The Electron binary is not installed (node_modules/electron/path.txt is missing), so the desktop app cannot start.',
      '[ferry] To get it, run with internet access:   node node_modules/electron/install.js',
      '[ferry] Starting the headless host instead: open the URL below in a browser.',
    ].join('\n'),
  );
  relay(spawn(bin('tsx'), ['electron/hosts/headless/main.ts', ...passThrough], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }));
} else {
  console.log('[ferry] bundling the main process and preload (esbuild) ...');
  run(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs')]);
  const { default: electronPath } = await import('electron');
  relay(spawn(electronPath, ['.', ...passThrough], { cwd: root, stdio: 'inherit' }));
}
