// The fast lane (`npm run test:unit`): every test that needs no program from Debian (nginx, aria2c,
// curl, the proxies, ffmpeg, Chromium) and starts no `ferry` process, so it runs on any machine with
// Node in about a minute. A test file is left out when it (or a test kit it imports) names one of
// them, read from its source here; `npm test` still runs everything.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

/** What marks a test as needing a real peer or a CLI process (imports of these test-support kits, or the programs themselves). */
const NEEDS_PEER = /test-support\/(nginx|aria2c|proxies|stream-test-kit|stream-fixtures|ferry-process|tus-child)|\bstartNginx\b|['"](curl|aria2c|ffmpeg|ffprobe|chromium|mount)['"]|test-support\/hostile\//;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.test\.tsx?$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => path.relative(import.meta.dirname, path.join(entry.parentPath, entry.name)));
}

const slow = ['electron', 'extension', 'shared', 'renderer', 'test-support', 'scripts']
  .flatMap((dir) => testFiles(path.join(import.meta.dirname, dir)))
  .filter((file) => NEEDS_PEER.test(readFileSync(path.join(import.meta.dirname, file), 'utf8')));

export default mergeConfig(base, defineConfig({ test: { exclude: ['**/node_modules/**', ...slow] } }));
