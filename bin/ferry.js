#!/usr/bin/env node
// The `ferry` command: runs electron/hosts/cli/main.ts.
// Start-up matters for a command-line tool, and TypeScript through tsx's loader costs about half
// a second per start. So the CLI is bundled once with esbuild into node_modules/.cache/ferry/ and
// rebuilt whenever one of its source files changes (checked by size and mtime, a few ms). Where
// that cannot work (esbuild missing, read-only install, FERRY_NO_BUNDLE=1, `serve`, whose host
// loads modules by path) it runs through tsx instead.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'electron', 'hosts', 'cli', 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'ferry');
/** Names the current build folder and the size:mtime of every source file that went into it. */
const stampPath = path.join(cacheDir, 'cli-build.json');
const OLD_BUILD_MS = 3600_000;

function signature(file) {
  const info = statSync(path.join(root, file));
  return `${info.size}:${info.mtimeMs}`;
}

function freshBuild() {
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
    const main = path.join(cacheDir, stamp.dir, 'main.js');
    statSync(main);
    return Object.entries(stamp.inputs).every(([file, sig]) => signature(file) === sig) ? main : null;
  } catch {
    return null;
  }
}

async function rebuild() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  // Each build gets its own folder (code splitting keeps `--help` from loading the engine), so a
  // concurrent ferry still loading chunks from an older build is never disturbed.
  const dir = `build-${startedAt}-${process.pid}`;
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: entry },
    outdir: path.join(cacheDir, dir),
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const stamp = { dir, inputs: Object.fromEntries(inputs.map((file) => [file, signature(file)])) };
  // A source edited while building may be missing from this build: use it once, stamp nothing.
  if (!inputs.some((file) => statSync(path.join(root, file)).mtimeMs >= startedAt)) {
    const temp = `${stampPath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(stamp));
    renameSync(temp, stampPath);
  }
  for (const old of readdirSync(cacheDir)) {
    const age = startedAt - Number(old.split('-')[1]);
    if (old.startsWith('build-') && old !== dir && age > OLD_BUILD_MS) rmSync(path.join(cacheDir, old), { recursive: true, force: true });
  }
  return path.join(cacheDir, dir, 'main.js');
}

async function bundledEntry() {
  if (process.env.FERRY_NO_BUNDLE || process.argv[2] === 'serve') return null;
  try {
    return pathToFileURL(freshBuild() ?? (await rebuild())).href;
  } catch {
    return null;
  }
}

const bundled = await bundledEntry();
if (bundled) {
  await import(bundled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
