// The rule that keeps the fronts (desktop app, headless host, CLI, RPC, native-messaging host) from
// growing into each other: a front imports its own folder, the host kit, the engine's public index
// and shared/; the kit imports itself, the engine's public index and shared/. Test files may also
// import test-support/. Read from the sources' import statements, so a new import that breaks it
// fails here rather than in a review.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HOSTS = path.join(ROOT, 'electron', 'hosts');
const KIT = path.join(HOSTS, 'kit');
const ENGINE_INDEX = path.join(ROOT, 'electron', 'engine', 'index');
const SHARED = path.join(ROOT, 'shared');
const TEST_SUPPORT = path.join(ROOT, 'test-support');

const inside = (folder: string, file: string) => file === folder || file.startsWith(folder + path.sep);
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/** Every module specifier a file imports: static, `export ... from`, side-effect, dynamic, type-only. */
export function importedSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** What `file` (in `folder`, its front or the kit) may not import, as `file: specifier`. */
export function violations(file: string, folder: string, source: string): string[] {
  const bad: string[] = [];
  for (const specifier of importedSpecifiers(source)) {
    if (!specifier.startsWith('.')) continue; // packages and node: builtins
    const target = path.resolve(path.dirname(file), specifier).replace(/\.(ts|tsx|js|mjs)$/, '');
    const allowed =
      inside(folder, target) ||
      (folder !== KIT && inside(KIT, target)) ||
      target === ENGINE_INDEX ||
      inside(SHARED, target) ||
      (isTest(file) && inside(TEST_SUPPORT, target));
    if (!allowed) bad.push(`${path.relative(ROOT, file)}: ${specifier}`);
  }
  return bad;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const fronts = [
  ...readdirSync(HOSTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(HOSTS, entry.name)),
  path.join(ROOT, 'electron', 'app'),
];

describe('what each host may import', () => {
  test('covers every front and the kit', () => {
    const names = fronts.map((folder) => path.relative(ROOT, folder)).sort();
    expect(names).toEqual(expect.arrayContaining(['electron/app', 'electron/hosts/cli', 'electron/hosts/headless', 'electron/hosts/kit', 'electron/hosts/native-messaging', 'electron/hosts/rpc']));
    for (const folder of fronts) expect(sourceFiles(folder).length, folder).toBeGreaterThan(0);
  });

  test.each(fronts.map((folder) => [path.relative(ROOT, folder), folder]))('%s imports only itself, the kit, engine/index and shared/', (_name, folder) => {
    const bad = sourceFiles(folder).flatMap((file) => violations(file, folder, readFileSync(file, 'utf8')));
    expect(bad).toEqual([]);
  });

  test('the rule catches what it forbids', () => {
    const app = path.join(ROOT, 'electron', 'app');
    const file = path.join(app, 'x.ts');
    const source = [
      "import { lockDataDir } from '../hosts/cli/data-dir-lock';",
      "import type { TransferEngine } from '../engine/engine';",
      "const m = await import('../hosts/headless/index');",
      "export { x } from '../../test-support/files';",
      "import { ok } from '../hosts/kit/data-dir';",
      "import { openEngine } from '../engine/index';",
      "import type { Notice } from '../../shared/contract';",
      "import { y } from './y';",
      "import os from 'node:os';",
    ].join('\n');
    expect(violations(file, app, source)).toEqual([
      'electron/app/x.ts: ../hosts/cli/data-dir-lock',
      'electron/app/x.ts: ../engine/engine',
      'electron/app/x.ts: ../../test-support/files',
      'electron/app/x.ts: ../hosts/headless/index',
    ]);
    const kitFile = path.join(KIT, 'x.ts');
    expect(violations(kitFile, KIT, "import { serve } from '../headless/index';\nimport { a } from './a';")).toEqual(['electron/hosts/kit/x.ts: ../headless/index']);
  });
});
