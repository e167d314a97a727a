#!/usr/bin/env node
// The `ferry` command. Runs the CLI bundle that npm's `prepare` step built into dist-cli/
// (scripts/build-cli.mjs says why a bundle). When the bundle is missing or older than a source
// file (a developer edited one), it says so in one line on stderr and rebuilds it visibly; when
// that build cannot be made, it says why and runs from the sources through tsx.
// FERRY_NO_BUNDLE=1 always runs from the sources. The bundle runs with V8's code cache (run-bundle.mjs).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadBundle } from './run-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'electron', 'ferry-cli.ts');
const stampPath = path.join(root, 'dist-cli', 'build.json');

function signature(file) {
  try {
    const info = statSync(path.join(root, file));
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** `{ main }` for a bundle that matches the sources, else `{ problem }` in words. */
function bundleState() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return { problem: 'is not built (no dist-cli/build.json)' };
  }
  const main = path.join(root, 'dist-cli', String(stamp.dir), 'main.cjs');
  if (!existsSync(main)) return { problem: `is incomplete (${path.relative(root, main)} is missing)` };
  for (const [file, sig] of Object.entries(stamp.files ?? {})) {
    if (signature(file) !== sig) return { problem: `is older than ${file}` };
  }
  return { main };
}

async function rebuiltEntry(problem) {
  process.stderr.write(`ferry: the CLI bundle ${problem}; rebuilding dist-cli/ with esbuild ...\n`);
  try {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    return await buildCli();
  } catch (error) {
    // esbuild has printed a build error's details already; this says what happens next.
    const reason = error?.errors ? 'the build failed (errors above)' : error instanceof Error ? error.message : String(error);
    process.stderr.write(`ferry: could not build the CLI bundle: ${reason}; running from the sources (tsx) instead\n`);
    return null;
  }
}

async function runFromSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}

async function bundledEntry() {
  if (process.env.FERRY_NO_BUNDLE) return null;
  const state = bundleState();
  return state.main ?? (await rebuiltEntry(state.problem));
}

const bundled = await bundledEntry();
let run;
if (bundled) {
  try {
    run = loadBundle(bundled, process.argv.slice(2)).run;
  } catch (error) {
    // A build that cannot even be loaded (its file deleted, a syntax Node refuses) fails before
    // the CLI has done anything: say so, and run from the sources. Errors while running are the CLI's own.
    process.stderr.write(`ferry: the CLI bundle cannot be loaded (${error instanceof Error ? error.message : String(error)}); running from the sources (tsx) instead\n`);
  }
}
if (run) run();
else await runFromSources();
