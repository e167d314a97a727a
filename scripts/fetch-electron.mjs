// Electron's own postinstall is switched off in package.json ("allowScripts"), because on
// machines without internet it fails the whole `npm install`. This tolerant replacement runs
// the same download where it can and, where it cannot, says so and lets the install finish:
// the engine, CLI, headless host and tests do not need the binary.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const TIMEOUT_MS = 180_000;

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // production install without devDependencies
  }
}

const dir = electronDir();
if (!dir) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('[ferry] ELECTRON_SKIP_BINARY_DOWNLOAD is set: not fetching the Electron binary.');
  process.exit(0);
}
if (existsSync(path.join(dir, 'path.txt'))) process.exit(0);

const child = spawn(process.execPath, [path.join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (chunk) => { stderr += chunk; });
const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
child.on('close', (code) => {
  clearTimeout(timer);
  if (code === 0 && existsSync(path.join(dir, 'path.txt'))) {
    console.log('[ferry] Electron binary installed.');
  } else {
    const reason = stderr.trim().split('\n').find((l) => /error/i.test(l)) ?? `exit code ${code}`;
    console.warn(
      `[ferry] The Electron binary could not be downloaded (${reason.slice(0, 200)}).\n` +
        '[ferry] The install goes on: the CLI (`npx ferry`), the headless host (`npm run headless`) and the tests work without it.\n' +
        '[ferry] `npm start` will fall back to the headless host. To get the desktop app later, run `node node_modules/electron/install.js` with internet access.',
    );
  }
  process.exit(0);
});
