// A new user, from nothing: a clean clone, an empty HOME (no ~/Downloads, no config), README's
// install command, then `npx ferry serve` and a download added through the UI in Debian's
// Chromium from a loopback server; the file must be complete in ~/Downloads and shown as
// completed. Then `ferry get URL` with no --dir in another empty HOME, and what a developer sees
// when the CLI bundle is stale or cannot be built. The install takes about a minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { freshInstall, type FreshMachine } from '../support/fresh-install';

test.describe.configure({ mode: 'serial' });

let machine: FreshMachine;
let server: TestServer;
let serveProcess: ChildProcess | undefined;
let serveOutput = '';
let uiUrl: string;
let page: Page;
const bytes = randomBytes(3_000_000, 21);
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Runs a command as the new user; resolves with its exit code and output, never rejects. */
function asUser(command: string, args: string[], options: { cwd?: string; home?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const env = { ...machine.env, HOME: options.home ?? machine.home };
    const child = spawn(command, args, { cwd: options.cwd ?? machine.clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function waitForGroupToEnd(groupId: number): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 100) {
    try {
      process.kill(-groupId, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(-groupId, 'SIGKILL');
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  server = await startTestServer();
  server.route('/first.bin', { body: bytes });
  machine = await freshInstall();
  expect(await readdir(machine.home)).toEqual([]); // the install kept out of HOME
  // README's command. npx keeps a link to the clone in its cache folder: a folder of the fresh
  // machine, not the shared npm cache. Its own group, because npx does not pass SIGTERM on to ferry.
  serveProcess = spawn('npx', ['ferry', 'serve'], {
    cwd: machine.clone,
    env: { ...machine.env, npm_config_cache: path.join(path.dirname(machine.home), 'npx-cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  serveProcess.stdout!.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
  serveProcess.stderr!.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = /Ferry UI: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64})/.exec(serveOutput);
    if (line) {
      uiUrl = line[1]!;
      break;
    }
    if (serveProcess.exitCode !== null || Date.now() > deadline) throw new Error(`ferry serve did not start:\n${serveOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  if (serveProcess?.pid !== undefined) {
    // npx, its shell and ferry: the whole group it was started in (ferry checkpoints on SIGTERM).
    try {
      process.kill(-serveProcess.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitForGroupToEnd(serveProcess.pid);
  }
  await server?.close();
  await machine?.remove();
});

test('the install built the web UI and the CLI bundle inside the clone', async () => {
  expect((await stat(path.join(machine.clone, 'dist', 'renderer', 'index.html'))).isFile()).toBe(true);
  expect((await stat(path.join(machine.clone, 'dist-cli', 'build.json'))).isFile()).toBe(true);
  // A fresh bundle: nothing to rebuild, nothing said.
  const version = await asUser('node', ['bin/ferry.js', '--version']);
  expect(version.code).toBe(0);
  expect(version.stderr).toBe('');
});

test('the first download through the UI lands complete in the new ~/Downloads and shows as completed', async () => {
  await page.goto(uiUrl);
  await expect(page.getByText('Connected')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No transfers yet' })).toBeVisible();
  await page.getByRole('toolbar').getByRole('button', { name: 'Add downloads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add downloads' });
  await dialog.getByLabel('Links').fill(server.url('/first.bin'));
  await dialog.getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('grid', { name: 'Transfers' }).getByRole('row', { name: /^first\.bin,/ });
  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 30_000 });
  await expect(page.getByText('1 completed')).toBeVisible();
  expect(sha(await readFile(path.join(machine.home, 'Downloads', 'first.bin')))).toBe(sha(bytes));
  // The status as a word of its own: the random token printed in the UI's address may contain "503".
  expect(serveOutput).not.toMatch(/\b503\b/);
  await page.screenshot({ path: test.info().outputPath('first-download-completed.png') });
});

test('`ferry serve` with the UI missing (install scripts skipped, dist/ deleted) builds it first and says so', async () => {
  await rm(path.join(machine.clone, 'dist', 'renderer'), { recursive: true, force: true });
  const child = spawn('node', ['bin/ferry.js', 'serve', '--data-dir', path.join(path.dirname(machine.home), 'data-rebuild')], {
    cwd: machine.clone,
    env: machine.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await expect.poll(() => /Ferry UI: (http:\/\/[^/]+)\//.exec(output)?.[1], { timeout: 60_000 }).toBeTruthy();
    expect(output).toContain('ferry: the web UI is not built yet; building it now (vite build) ...');
    const response = await fetch(`${/Ferry UI: (http:\/\/[^/]+)\//.exec(output)![1]}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

test('`ferry get URL` with no --dir in another empty HOME saves into a new ~/Downloads, as the app does', async () => {
  const home = path.join(path.dirname(machine.home), 'home-cli');
  await mkdir(home);
  // Run from the new HOME (not the clone): the command README puts on the PATH.
  const result = await asUser('node', [path.join(machine.clone, 'bin', 'ferry.js'), 'get', server.url('/first.bin'), '--quiet'], { cwd: home, home });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toBe(path.join(home, 'Downloads', 'first.bin'));
  expect(sha(await readFile(path.join(home, 'Downloads', 'first.bin')))).toBe(sha(bytes));
  // Its records went to the per-user data folder of that HOME.
  expect((await stat(path.join(home, '.local', 'share', 'ferry'))).isDirectory()).toBe(true);
});

test('a stale CLI bundle is rebuilt with one line saying so; a build error is shown, never swallowed', async () => {
  const source = path.join(machine.clone, 'electron', 'hosts', 'cli', 'help.ts');
  const original = await readFile(source, 'utf8');
  await appendFile(source, '\n// edited by a developer\n');
  const stale = await asUser('node', ['bin/ferry.js', '--version']);
  expect(stale.code).toBe(0);
  expect(stale.stderr.trim().split('\n')).toEqual(['ferry: the CLI bundle is older than electron/hosts/cli/help.ts; rebuilding dist-cli/ with esbuild ...']);
  expect((await asUser('node', ['bin/ferry.js', '--version'])).stderr).toBe('');

  await writeFile(source, `${original}\nexport const broken = ;\n`);
  const broken = await asUser('node', ['bin/ferry.js', '--version']);
  expect(broken.code).not.toBe(0);
  expect(broken.stderr).toContain('help.ts');
  expect(broken.stderr).toContain('ferry: could not build the CLI bundle: the build failed (errors above); running from the sources (tsx) instead');
  await writeFile(source, original);
});
