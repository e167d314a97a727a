// Serving files by request path (the desktop app's app:// scheme, the headless host's static
// files): a path that climbs out of the served folder ("..", encoded or not) must never resolve.
import path from 'node:path';

/**
 * The file `requestPath` (already URL-decoded, starting with "/") names inside `root`, or
 * undefined when it would leave `root` or carries a NUL byte. `allowRoot`: whether `root`
 * itself counts as inside.
 */
export function fileInside(root: string, requestPath: string, options: { allowRoot: boolean }): string | undefined {
  if (requestPath.includes('\0')) return undefined;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${requestPath}`);
  if (file === base) return options.allowRoot ? file : undefined;
  return file.startsWith(base + path.sep) ? file : undefined;
}
