// Serves the built renderer (dist/renderer) on 127.0.0.1 for the demo-API e2e and the bench.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve } from 'node:path';
import { rendererContentType } from '../../electron/hosts/kit/web/content-types';


export const RENDERER_DIST = resolve(import.meta.dirname, '../../dist/renderer');

/** Builds the renderer when there is no build yet (a fresh checkout running one spec or the bench). */
export function ensureRendererBuilt(root = RENDERER_DIST): void {
  if (existsSync(join(root, 'index.html'))) return;
  const repo = resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
}

export async function startStaticServer(root = RENDERER_DIST): Promise<{ url: string; close(): Promise<void> }> {
  ensureRendererBuilt(root);
  const server = http.createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
    let file = join(root, path || 'index.html');
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    // Like the headless host: the page is revalidated, the hashed assets are cached (which also
    // lets Chromium keep compiled code for them between loads).
    const cache = file.endsWith('index.html') ? 'no-cache' : 'max-age=3600';
    res.writeHead(200, { 'content-type': rendererContentType(file), 'cache-control': cache });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
