// Ferry's own version (package.json's), for fronts that name it: the aria2 RPC's getVersion
// carries it beside aria2's number, which aria2 clients compare against.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root';

let cached: string | undefined;

export function ferryVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
      cached = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
