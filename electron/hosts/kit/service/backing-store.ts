// conf (plain Node, conf-backing.ts) and electron-store (Electron, a subclass of conf) both keep one
// JSON object on disk behind a `store` property. The settings and destinations stores only need
// that, so either can back them and the stores stay testable without Electron. This module loads
// neither, so a run that only reads its settings (the CLI) does not pay for them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setAside, setAsideNotice } from './set-aside';

export interface JsonBacking {
  /** The whole stored object; assigning it writes the file atomically. */
  store: Record<string, unknown>;
  /** The file, when there is one: a store that finds bad entries keeps a copy of it aside. */
  readonly path?: string;
  /** What was wrong with the file when it was opened (already set aside): for the hosts' notices. */
  readonly problems?: readonly string[];
}

/** Anything with conf's `store` accessor and `path` (Conf, ElectronStore). */
interface ConfLike {
  store: Record<string, unknown>;
  readonly path: string;
}

/**
 * Opens `file` through `open` after moving an unparsable file aside: conf would throw on it
 * (the host could not start), and with `clearInvalidConfig` it would silently start empty and
 * overwrite it on the next save.
 */
export function openCheckedBacking(file: string, open: () => ConfLike): JsonBacking {
  const problems: string[] = [];
  const problem = unreadableJsonObject(file);
  if (problem) problems.push(setAsideNotice(file, setAside(file, 'move'), problem, 'the defaults'));
  const conf = open();
  return {
    get store() {
      return conf.store;
    },
    set store(value) {
      conf.store = value;
    },
    path: conf.path,
    problems,
  };
}

function unreadableJsonObject(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // missing (first run) or unreadable: conf reports the latter itself
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? undefined : 'does not hold a JSON object';
  } catch {
    return 'is not valid JSON';
  }
}

/**
 * `<dir>/<name>.json` read once and never written: for a run that only reads the settings (the
 * standalone CLI). What it cannot read is a problem in words and the defaults; the file stays as
 * it is for the next Ferry that saves it (which sets a broken one aside first).
 */
export function readOnlyJsonBacking(dir: string, name: string): JsonBacking {
  const file = path.join(dir, `${name}.json`);
  const problems: string[] = [];
  let store: Record<string, unknown> = {};
  const problem = unreadableJsonObject(file);
  if (problem) problems.push(`${file} ${problem}: using the defaults for this run`);
  else {
    try {
      store = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // missing (first run): the defaults
    }
  }
  return {
    get store() {
      return store;
    },
    set store(value) {
      store = value; // this run's, never saved
    },
    problems,
  };
}

/** In-memory backing for tests. */
export function memoryBacking(initial: Record<string, unknown> = {}): JsonBacking {
  return { store: structuredClone(initial) };
}
