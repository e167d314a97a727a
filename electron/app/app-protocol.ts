// Ferry's page is served from its own privileged scheme, app://ferry/, instead of file://:
// a real origin for the CSP's 'self', no access to the rest of the disk, and one place that sets
// the security headers. Only files inside the built renderer folder are served.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rendererContentType } from '../hosts/kit/web/content-types';
import { contentSecurityPolicy } from '../hosts/kit/web/security-policy';
import { fileInside } from '../hosts/kit/web/path-containment';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://ferry`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;


export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'ferry';
  } catch {
    return false;
  }
}

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Resolves a request path inside `root`, or undefined when it would leave it. */
export function fileForAppUrl(root: string, url: string): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
  return fileInside(root, pathname === '/' ? '/index.html' : pathname, { allowRoot: false });
}

/** After ready: serve the renderer bundle with the CSP header. */
export function handleAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = isAppUrl(request.url) ? fileForAppUrl(rendererDir, request.url) : undefined;
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const raw = await readFile(file);
      const body = path.extname(file).toLowerCase() === '.html' ? withCspMeta(raw.toString('utf8')) : raw;
      return new Response(body, {
        headers: {
          'content-type': rendererContentType(file),
          'content-security-policy': contentSecurityPolicy(),
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/** The CSP also as the page's first meta tag: it still holds if the page is ever saved or loaded another way. */
export function withCspMeta(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}${meta}`) : `${meta}${html}`;
}
