// Serves the built renderer (vite's dist/renderer). Only files inside that folder, only GET and
// HEAD; unknown paths get index.html so the single-page app can route. The page gets the same
// strict Content-Security-Policy as the desktop window, plus connect-src for its own socket.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { rendererContentType } from '../kit/web/content-types';
import { fileInside } from '../kit/web/path-containment';
import { securityHeaders } from '../kit/web/security-policy';

export async function serveStatic(rendererDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', ...securityHeaders() }).end();
    return;
  }
  const root = path.resolve(rendererDir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, securityHeaders()).end('Bad path');
    return;
  }
  if (pathname.includes('\0')) {
    res.writeHead(400, securityHeaders()).end('Bad path');
    return;
  }
  const inside = fileInside(root, pathname, { allowRoot: true });
  if (inside === undefined) {
    res.writeHead(404, securityHeaders()).end('Not found');
    return;
  }
  let file = inside;
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() });
    res.end(`Ferry's web UI is not built (nothing in ${root}). Run \`npm run build:renderer\`, or restart \`ferry serve\`, which builds it when missing.\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': rendererContentType(file),
    'content-length': info.size,
    'cache-control': path.basename(file) === 'index.html' ? 'no-cache' : 'max-age=3600',
    ...securityHeaders(),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
