// Whether the built web UI (dist/renderer) is older than what it is built from, so `npm start`
// runs vite only when something changed: right after `npm install` (whose prepare step built it)
// a start costs no build. The build's time is its index.html's (vite writes it on every build).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the renderer build reads: its sources, the contract it imports, the config and the dependencies. */
export const RENDERER_INPUTS = ['renderer', 'shared', 'vite.config.ts', 'electron/hosts/kit/web/security-policy.ts', 'package-lock.json'];

function newestIn(file, newest) {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return newest; // an input that is not there (no lock file) changes nothing
  }
  if (stat.isDirectory()) {
    for (const entry of readdirSync(file)) if (entry !== 'node_modules') newest = newestIn(path.join(file, entry), newest);
    return newest;
  }
  return stat.mtimeMs > newest.mtimeMs ? { file, mtimeMs: stat.mtimeMs } : newest;
}

/** `{ stale: false }` when the build is newer than every input; else why it is not (words for the log). */
export function rendererFreshness(root) {
  let builtMs;
  try {
    builtMs = statSync(path.join(root, 'dist', 'renderer', 'index.html')).mtimeMs;
  } catch {
    return { stale: true, why: 'the web UI is not built yet' };
  }
  const newest = RENDERER_INPUTS.reduce((found, input) => newestIn(path.join(root, input), found), { file: '', mtimeMs: 0 });
  if (newest.mtimeMs > builtMs) return { stale: true, why: `${path.relative(root, newest.file)} changed since the last build` };
  return { stale: false, why: 'the web UI is up to date' };
}
