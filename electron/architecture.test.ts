// The shape of the code, read from every source file's imports and calls, so that a change that
// breaks it fails here rather than in a review:
// - layers: shared/ imports nothing of Ferry's but itself (and never Node); the engine never imports
//   `electron`, a host or the renderer; the renderer imports only itself and shared/;
// - fronts (electron/app and each folder of electron/hosts but the kit) import only themselves, the
//   host kit, the engine's public index and shared/; the kit imports itself, the engine's index and shared/;
// - `electron` at run time only in the desktop front (electron/app/, main.ts, preload.ts);
// - one road into the engine: Ferry is opened in one place (kit/host/open-host.ts: the only caller of
//   openEngine and createFerryService), only the kit's service calls the engine's commands, and the
//   aria2 RPC reaches Ferry through the service alone.
// Test files may also import test-support/, and build their own services there.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const at = (...parts: string[]) => path.join(ROOT, ...parts);
const ELECTRON = at('electron');
const ENGINE = at('electron', 'engine');
const ENGINE_INDEX = at('electron', 'engine', 'index');
const HOSTS = at('electron', 'hosts');
const KIT = at('electron', 'hosts', 'kit');
const SERVICE = at('electron', 'hosts', 'kit', 'service');
const ROOT_OF_HOSTS = at('electron', 'hosts', 'kit', 'host', 'open-host');
const RPC = at('electron', 'hosts', 'kit', 'rpc');
const APP = at('electron', 'app');
const SHARED = at('shared');
const RENDERER = at('renderer');
const TEST_SUPPORT = at('test-support');
const DESKTOP = [APP, at('electron', 'main'), at('electron', 'preload')];

const inside = (folder: string, file: string) => file === folder || file.startsWith(folder + path.sep);
const isTest = (file: string) => /\.test\.tsx?$/.test(file);
const withoutExtension = (file: string) => file.replace(/\.(ts|tsx|js|mjs)$/, '');
const shown = (file: string) => path.relative(ROOT, file);

export interface Import {
  specifier: string;
  /** `import type` / `export type`: gone at run time. */
  typeOnly: boolean;
  /** The imported names (`{ a, b as c }`), where the statement lists them. */
  names: string[];
}

/** Every module a file imports: static, `export ... from`, side-effect, dynamic, require. */
export function imports(source: string): Import[] {
  const found: Import[] = [];
  for (const match of source.matchAll(/\b(import|export)(\s+type)?\s+([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
    const names = /\{([^}]*)\}/.exec(match[3]!)?.[1]?.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean) ?? [];
    const allTypes = names.length > 0 && /\{([^}]*)\}/.exec(match[3]!)![1]!.split(',').every((n) => n.trim() === '' || /^type\s/.test(n.trim()));
    found.push({ specifier: match[4]!, typeOnly: match[2] !== undefined || allTypes, names });
  }
  for (const pattern of [/\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of source.matchAll(pattern)) found.push({ specifier: match[1]!, typeOnly: false, names: [] });
  }
  return found;
}

/** The file a relative specifier names (without its extension); undefined for packages and builtins. */
function target(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? withoutExtension(path.resolve(path.dirname(file), specifier)) : undefined;
}

/** The folder whose rules a file follows: a front, the kit, the engine, shared/, the renderer. */
function layerOf(file: string): string | undefined {
  if (inside(KIT, file)) return KIT;
  if (inside(HOSTS, file)) return path.join(HOSTS, path.relative(HOSTS, file).split(path.sep)[0]!);
  for (const folder of [APP, ENGINE, SHARED, RENDERER]) if (inside(folder, file)) return folder;
  return undefined;
}

/** What `file` may not import, as `file: specifier (why)`. */
export function violations(file: string, source: string): string[] {
  const bad: string[] = [];
  const layer = layerOf(file);
  const desktop = DESKTOP.some((d) => inside(d, withoutExtension(file)));
  const production = !isTest(file);
  for (const { specifier, typeOnly, names } of imports(source)) {
    const to = target(file, specifier);
    const refuse = (why: string) => bad.push(`${shown(file)}: ${specifier} (${why})`);
    if (specifier === 'electron' && !typeOnly && !desktop) refuse('electron at run time outside the desktop front');
    if (to && isTest(file) && inside(TEST_SUPPORT, to)) continue;
    if (layer === SHARED) {
      if (to && !inside(SHARED, to)) refuse('shared/ imports only itself');
      if (specifier.startsWith('node:')) refuse('shared/ runs in browsers too');
    } else if (layer === ENGINE) {
      if (specifier === 'electron') refuse('the engine is plain Node');
      if (to && !inside(ENGINE, to) && !inside(SHARED, to)) refuse('the engine imports only itself and shared/');
    } else if (layer === RENDERER) {
      if (to && !inside(RENDERER, to) && !inside(SHARED, to)) refuse('the renderer imports only itself and shared/');
    } else if (layer !== undefined && to) {
      const allowed = inside(layer, to) || (layer !== KIT && inside(KIT, to)) || to === ENGINE_INDEX || inside(SHARED, to);
      if (!allowed) refuse(layer === KIT ? 'the kit imports only itself, engine/index and shared/' : 'a front imports only itself, the kit, engine/index and shared/');
    }
    // One road: only the composition root opens the engine and builds the service.
    if (production && to === ENGINE_INDEX && !typeOnly && names.includes('openEngine') && withoutExtension(file) !== ROOT_OF_HOSTS) refuse('only kit/host/open-host.ts opens the engine');
    if (production && to === withoutExtension(path.join(SERVICE, 'ferry-service')) && !typeOnly && names.includes('createFerryService') && withoutExtension(file) !== ROOT_OF_HOSTS) {
      refuse('only kit/host/open-host.ts builds the service');
    }
    // The aria2 RPC is a translation onto the service: nothing of the engine's but types.
    if (production && inside(RPC, file) && to === ENGINE_INDEX && !typeOnly) refuse('the RPC reaches Ferry through the service');
  }
  return bad;
}

const ENGINE_COMMANDS = ['addDownload', 'addDownloads', 'addUpload', 'pause', 'resume', 'cancel', 'retry', 'remove', 'pauseAll', 'resumeAll', 'reorder', 'setTransferSpeedLimit', 'setTransferProxy', 'updateSettings'];
const COMMAND_CALL = new RegExp(`\\bengine\\s*\\.\\s*(${ENGINE_COMMANDS.join('|')})\\s*\\(`, 'g');

/** Calls of the engine's commands outside the service (and the engine itself), as `file: engine.x(`. */
export function roadsAroundTheService(file: string, source: string): string[] {
  if (isTest(file) || inside(ENGINE, file) || inside(SERVICE, file)) return [];
  return [...source.matchAll(COMMAND_CALL)].map((match) => `${shown(file)}: engine.${match[1]}( (only the service commands the engine)`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.parentPath.split(path.sep).includes('node_modules'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

// This file quotes forbidden imports in its own examples: it is not one of the files it reads.
const everyFile = [...sourceFiles(ELECTRON), ...sourceFiles(SHARED), ...sourceFiles(RENDERER)].filter((file) => file !== import.meta.filename);

describe('the architecture', () => {
  test('covers every layer and front', () => {
    const layers = new Set(everyFile.map(layerOf).filter((l): l is string => l !== undefined).map(shown));
    expect([...layers].sort()).toEqual(
      expect.arrayContaining(['electron/app', 'electron/engine', 'electron/hosts/cli', 'electron/hosts/headless', 'electron/hosts/kit', 'electron/hosts/native-messaging', 'electron/hosts/rpc', 'renderer', 'shared']),
    );
  });

  test('every import keeps to its layer, and Ferry opens in one place', () => {
    expect(everyFile.flatMap((file) => violations(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  test('only the service commands the engine', () => {
    expect(everyFile.flatMap((file) => roadsAroundTheService(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  test('the rules catch what they forbid', () => {
    const appFile = at('electron', 'app', 'x.ts');
    const source = [
      "import { lockDataDir } from '../hosts/cli/data-dir-lock';",
      "import type { TransferEngine } from '../engine/engine';",
      "const m = await import('../hosts/headless/headless-host');",
      "export { x } from '../../test-support/files';",
      "import { ok } from '../hosts/kit/data-dir/data-dir';",
      "import { openEngine } from '../engine/index';",
      "import type { Notice } from '../../shared/contract';",
      "import { y } from './y';",
      "import os from 'node:os';",
      "import { app } from 'electron';",
    ].join('\n');
    expect(violations(appFile, source)).toEqual([
      'electron/app/x.ts: ../hosts/cli/data-dir-lock (a front imports only itself, the kit, engine/index and shared/)',
      'electron/app/x.ts: ../engine/engine (a front imports only itself, the kit, engine/index and shared/)',
      'electron/app/x.ts: ../../test-support/files (a front imports only itself, the kit, engine/index and shared/)',
      'electron/app/x.ts: ../engine/index (only kit/host/open-host.ts opens the engine)',
      'electron/app/x.ts: ../hosts/headless/headless-host (a front imports only itself, the kit, engine/index and shared/)',
    ]);
    const kitFile = at('electron', 'hosts', 'kit', 'x.ts');
    expect(violations(kitFile, "import { serve } from '../headless/headless-host';\nimport { a } from './a';")).toEqual([
      'electron/hosts/kit/x.ts: ../headless/headless-host (the kit imports only itself, engine/index and shared/)',
    ]);
    expect(violations(at('electron', 'hosts', 'cli', 'x.ts'), "import { app } from 'electron';\nimport type { App } from 'electron';")).toEqual([
      'electron/hosts/cli/x.ts: electron (electron at run time outside the desktop front)',
    ]);
    expect(violations(at('electron', 'engine', 'x.ts'), "import type { App } from 'electron';\nimport { a } from '../hosts/kit/a';")).toEqual([
      'electron/engine/x.ts: electron (the engine is plain Node)',
      'electron/engine/x.ts: ../hosts/kit/a (the engine imports only itself and shared/)',
    ]);
    expect(violations(at('shared', 'x.ts'), "import { a } from '../electron/engine/index';\nimport fs from 'node:fs';")).toEqual([
      'shared/x.ts: ../electron/engine/index (shared/ imports only itself)',
      'shared/x.ts: node:fs (shared/ runs in browsers too)',
    ]);
    expect(violations(at('renderer', 'src', 'x.ts'), "import { a } from '../../electron/hosts/kit/a';\nimport { b } from '../../shared/b';")).toEqual([
      'renderer/src/x.ts: ../../electron/hosts/kit/a (the renderer imports only itself and shared/)',
    ]);
    // A second road: a service of its own, the RPC on the engine, a front commanding it.
    const cliFile = at('electron', 'hosts', 'cli', 'x.ts');
    expect(violations(cliFile, "import { createFerryService } from '../kit/service/ferry-service';")).toEqual([
      'electron/hosts/cli/x.ts: ../kit/service/ferry-service (only kit/host/open-host.ts builds the service)',
    ]);
    expect(violations(at('electron', 'hosts', 'kit', 'rpc', 'x.ts'), "import { TransferFailure } from '../../../engine/index';\nimport type { TransferEngine } from '../../../engine/index';")).toEqual([
      'electron/hosts/kit/rpc/x.ts: ../../../engine/index (the RPC reaches Ferry through the service)',
    ]);
    expect(roadsAroundTheService(cliFile, 'await engine.pause(id);\nservice.handle("pause");\nengine.list();')).toEqual(['electron/hosts/cli/x.ts: engine.pause( (only the service commands the engine)']);
    expect(roadsAroundTheService(at('electron', 'hosts', 'kit', 'service', 'x.ts'), 'await engine.pause(id);')).toEqual([]);
  });
});
