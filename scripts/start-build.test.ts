// `npm start` builds the web UI only when a source is newer than the build. The real start script
// runs as a process in a copy of the project's layout whose vite and tsx are stand-ins that log
// their runs (the real ones would rebuild the worktree's dist/ under other tests' feet).
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../test-support/files';

const scripts = import.meta.dirname;
let root: string;
let runs: string;

beforeEach(async () => {
  root = await makeTempDir('ferry-start-');
  runs = path.join(root, 'runs.log');
  await mkdir(path.join(root, 'scripts'));
  for (const name of ['start.mjs', 'renderer-freshness.mjs']) await copyFile(path.join(scripts, name), path.join(root, 'scripts', name));
  await mkdir(path.join(root, 'renderer', 'src'), { recursive: true });
  await mkdir(path.join(root, 'shared'));
  await writeFile(path.join(root, 'renderer', 'src', 'App.tsx'), 'export {};\n');
  await writeFile(path.join(root, 'shared', 'contract.ts'), 'export {};\n');
  await writeFile(path.join(root, 'vite.config.ts'), 'export default {};\n');
  const old = new Date(Date.now() - 60_000);
  for (const file of ['renderer/src/App.tsx', 'shared/contract.ts', 'vite.config.ts']) await utimes(path.join(root, file), old, old);
  // Stand-ins: vite "builds" (writes index.html, as the real one does on every build); tsx is the headless host, which exits at once.
  const bin = path.join(root, 'node_modules', '.bin');
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, 'vite'), `#!/bin/sh\necho vite >> "${runs}"\nmkdir -p "${root}/dist/renderer"\necho built > "${root}/dist/renderer/index.html"\n`);
  await writeFile(path.join(bin, 'tsx'), `#!/bin/sh\necho host >> "${runs}"\n`);
  await chmod(path.join(bin, 'vite'), 0o755);
  await chmod(path.join(bin, 'tsx'), 0o755);
});
afterEach(async () => {
  await removeDir(root);
});

function start(): { stdout: string } {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout };
}

/** The build as made 30 s ago and `source` edited 10 s ago (times in the past, as real edits have). */
async function ageBuildAndEdit(source: string): Promise<void> {
  const built = new Date(Date.now() - 30_000);
  const edited = new Date(Date.now() - 10_000);
  await utimes(path.join(root, 'dist', 'renderer', 'index.html'), built, built);
  await utimes(source, edited, edited);
}

async function buildsSoFar(): Promise<number> {
  return (await readFile(runs, 'utf8').catch(() => '')).split('\n').filter((line) => line === 'vite').length;
}

describe('npm start', () => {
  it('builds when there is no build, not on the next start, and again after a source changed', async () => {
    const first = start();
    expect(await buildsSoFar()).toBe(1);
    expect(first.stdout).toContain('building the web UI');

    const second = start();
    expect(await buildsSoFar()).toBe(1);
    expect(second.stdout).toContain('the web UI is up to date; not rebuilding it');

    // An edit after the build: the source's time moves past the build's.
    await ageBuildAndEdit(path.join(root, 'renderer', 'src', 'App.tsx'));
    const third = start();
    expect(await buildsSoFar()).toBe(2);
    expect(third.stdout).toContain(`${path.join('renderer', 'src', 'App.tsx')} changed since the last build`);

    start();
    expect(await buildsSoFar()).toBe(2);
    // Each start went on to the host (no Electron binary here).
    expect((await readFile(runs, 'utf8')).split('\n').filter((line) => line === 'host')).toHaveLength(4);
  });

  it('a change to the contract the UI imports (shared/) rebuilds too', async () => {
    start();
    await ageBuildAndEdit(path.join(root, 'shared', 'contract.ts'));
    start();
    expect(await buildsSoFar()).toBe(2);
  });
});
