// Electron: the preload already speaks FerryApi over IPC; dropped files have real paths.
import type { FerryBridge, Transport } from './transport';
import { failed } from './transport';

export function bridgeTransport(bridge: FerryBridge): Transport {
  return {
    api: bridge,
    pushesSnapshot: false,
    canOpenFiles: true,
    async fileToPath(file) {
      try {
        const path = bridge.getPathForFile(file);
        return path ? { ok: true, value: path } : failed(`“${file.name}” has no path on disk`);
      } catch (e) {
        return failed(`Could not read the path of “${file.name}”: ${(e as Error).message}`);
      }
    },
    onConnection(listener) {
      listener('open');
      return () => {};
    },
  };
}
