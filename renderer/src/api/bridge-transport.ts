// Electron: the preload already speaks FerryApi over IPC. Dropped files become main-process
// handles (the page never learns their paths), and files and folders are chosen in native dialogs.
import type { FerryBridge, Transport } from './transport';
import { failed } from './transport';

export function bridgeTransport(bridge: FerryBridge): Transport {
  return {
    api: bridge,
    pushesSnapshot: false,
    canOpenFiles: true,
    nativeDialogs: true,
    async fileToSource(file) {
      try {
        const r = await bridge.chooseDroppedFile(file);
        return r.ok ? { ok: true, value: { handle: r.value.handle } } : failed(`“${file.name}”: ${r.error.message}`);
      } catch (e) {
        return failed(`Could not hand “${file.name}” to Ferry: ${(e as Error).message}`);
      }
    },
    onConnection(listener) {
      listener('open');
      return () => {};
    },
  };
}
