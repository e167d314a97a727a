// The settings and destinations files of hosts without Electron (`ferry serve`, `ferry rpc`): conf
// writes them atomically, owner-only; an unparsable one is set aside first (backing-store.ts).
import path from 'node:path';
import Conf from 'conf';
import { openCheckedBacking, type JsonBacking } from './backing-store';

/** A conf-backed JSON file `<dir>/<name>.json`, readable only by its owner. */
export function openConfBacking(dir: string, name: string): JsonBacking {
  return openCheckedBacking(
    path.join(dir, `${name}.json`),
    () =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: name,
        // Values are validated with zod by the stores; dots in ids must not become nesting.
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
      }),
  );
}

