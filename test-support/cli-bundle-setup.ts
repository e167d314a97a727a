// vitest globalSetup: tests run the real `ferry` (bin/ferry.js), which rebuilds a stale CLI
// bundle with a line on stderr. Doing that once here, before any test, keeps that line (and
// two workers rebuilding at once) out of tests that check what ferry prints.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  const ferry = path.resolve(import.meta.dirname, '..', 'bin', 'ferry.js');
  const result = spawnSync(process.execPath, [ferry, '--version'], { encoding: 'utf8' });
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.status !== 0) throw new Error(`bin/ferry.js --version failed (${result.status ?? result.signal}); see above`);
}
