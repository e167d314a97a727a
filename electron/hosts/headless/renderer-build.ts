// Where the built web UI is, and building it when it is not there yet. The host runs from its
// sources (tsx) or from the CLI bundle in dist-cli/; both sit under the package root (kit/package-root.ts),
// and the UI is vite's dist/renderer in it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../kit/host/package-root';

export function defaultRendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}

export function rendererBuilt(rendererDir: string): boolean {
  return existsSync(path.join(rendererDir, 'index.html'));
}

/**
 * npm's `prepare` step builds the UI at install; this covers an install that skipped it
 * (`--ignore-scripts`, a deleted dist/). Says so in one line, shows vite's own errors, and
 * fails in words rather than leaving the host answering 503.
 */
export async function buildRenderer(root: string, say: (line: string) => void): Promise<void> {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    throw new Error(`the web UI is not built (nothing in ${path.join(root, 'dist', 'renderer')}) and vite is not installed to build it; run \`npm install\` in ${root}`);
  }
  say('ferry: the web UI is not built yet; building it now (vite build) ...');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`building the web UI failed (vite exited ${code}); see its errors above`);
}
