// Electron: the preload already speaks FerryApi over IPC. Dropped files become main-process
// handles (the page never learns their paths; the main process asks the user about them first),
// and files and folders are chosen in native dialogs.
import type { FerryBridge, Transport } from './transport';
import { failed } from './transport';

export function bridgeTransport(bridge: FerryBridge): Transport {
  return {
    api: bridge,
    pushesSnapshot: false,
    canOpenFiles: true,
    nativeDialogs: true,
    async filesToSources(files) {
      if (files.length === 0) return { ok: true, value: [] };
      try {
        const r = await bridge.chooseDroppedFiles(files);
        return r.ok ? { ok: true, value: r.value.map((chosen) => ({ handle: chosen.handle })) } : failed(r.error.message);
      } catch (e) {
        return failed(`Could not hand the dropped files to Ferry: ${(e as Error).message}`);
      }
    },
    onConnection(listener) {
      listener('open');
      return () => {};
    },
  };
}
