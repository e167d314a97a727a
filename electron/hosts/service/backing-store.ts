// conf (plain Node) and electron-store (Electron, a subclass of conf) both keep one JSON object
// on disk behind a `store` property. The settings and destinations stores only need that, so
// either can back them and the stores stay testable without Electron.
import Conf from 'conf';

export interface JsonBacking {
  /** The whole stored object; assigning it writes the file atomically. */
  store: Record<string, unknown>;
}

/** A conf-backed JSON file `<dir>/<name>.json`, readable only by its owner. */
export function openConfBacking(dir: string, name: string): JsonBacking {
  return new Conf<Record<string, unknown>>({
    cwd: dir,
    configName: name,
    // Values are validated with zod by the stores; dots in ids must not become nesting.
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
  });
}

/** In-memory backing for tests. */
export function memoryBacking(initial: Record<string, unknown> = {}): JsonBacking {
  return { store: structuredClone(initial) };
}
