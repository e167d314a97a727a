// The real main-process bundle (main.js as `npm start` builds it, here into a temp folder), run in plain
// Node with the fake 'electron' module swapped in by a loader hook: it must load, open the
// window on app://ferry/, register every IPC handler, answer a snapshot and quit with exit 0.
// This catches bundling mistakes that unit tests of the sources cannot see.
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../test-support/files';
import { REQUEST_NAMES } from '../../shared/contract';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('ferry-bundle-');
});
afterAll(() => removeDir(dir));

it('the bundled main process starts, serves the contract over IPC and quits cleanly', async () => {
  const bundled = spawnSync(process.execPath, ['scripts/build-electron.mjs', '--outdir', path.join(dir, 'dist-electron')], { cwd: root, encoding: 'utf8' });
  expect(bundled.status, bundled.stderr).toBe(0);
  await build({
    entryPoints: [path.join(root, 'test-support/fake-electron.ts')],
    bundle: true, platform: 'node', format: 'esm', outfile: path.join(dir, 'fake.mjs'), logLevel: 'warning',
  });
  const fakeUrl = pathToFileURL(path.join(dir, 'electron.mjs')).href;
  await writeFile(
    path.join(dir, 'electron.mjs'),
    `import { createFakeElectron } from './fake.mjs';
const f = createFakeElectron();
globalThis.__fake = f;
export const { app, BrowserWindow, Tray, Notification, Menu, nativeImage, clipboard, screen, shell, dialog, powerMonitor, powerSaveBlocker, ipcMain, session, protocol, safeStorage } = f.module;
export default f.module;`,
  );
  await writeFile(
    path.join(dir, 'hooks.mjs'),
    `export async function resolve(specifier, context, next) {
  return specifier === 'electron' ? { url: ${JSON.stringify(fakeUrl)}, shortCircuit: true } : next(specifier, context);
}`,
  );
  await writeFile(
    path.join(dir, 'probe.mjs'),
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});
const waitFor = async (check) => { for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50)); };
setTimeout(async () => {
  // The bundle loads the fake when it first imports 'electron'; under load that takes a while.
  await waitFor(() => globalThis.__fake?.module.BrowserWindow.all.length > 0 && globalThis.__fake.handlers.size > 0);
  const f = globalThis.__fake;
  const W = f.module.BrowserWindow;
  const snapshot = await f.handlers.get('ferry:call:snapshot')?.({ senderFrame: W.all[0]?.webContents.mainFrame });
  f.app.emit('before-quit', { preventDefault() {} });
  await waitFor(() => f.app.exitCodes.length > 0);
  console.log(JSON.stringify({ urls: W.all.map((w) => w.webContents.mainFrame.url), handlers: [...f.handlers.keys()], snapshot, errors: f.dialogQuestions, exitCodes: f.app.exitCodes }));
  process.exit(0);
}, 200);`,
  );
  const dataDir = path.join(dir, 'data');
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'probe.mjs')).href, path.join(dir, 'dist-electron/main.js')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, FERRY_DATA_DIR: dataDir },
  });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  expect(last.startsWith('{'), `no report from the bundle:\n${run.stdout}\n${run.stderr}`).toBe(true);
  const report = JSON.parse(last);
  expect(report.errors, run.stderr).toEqual([]);
  expect(report.urls).toEqual(['app://ferry/index.html']);
  // The contract's requests, plus the preload's channel that trades one drop's files for handles.
  expect(report.handlers.sort()).toEqual([...REQUEST_NAMES.map((n) => `ferry:call:${n}`), 'ferry:choose-dropped-files'].sort());
  expect(report.snapshot).toMatchObject({ ok: true, value: { transfers: [], destinations: [] } });
  expect(report.exitCodes).toEqual([0]);
  expect(await readdir(dataDir)).not.toContain('cli.lock'); // the data folder lock was released
});
