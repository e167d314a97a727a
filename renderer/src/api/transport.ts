// What the UI needs from its host, whatever carries it: the contract's FerryApi plus the things
// that differ per transport (turning a dropped File into something the host accepts for upload,
// native dialogs, and whether the connection is up).
import type { ChosenFile, FerryApi, Reply } from '../../../shared/contract';

/** `refused`: the host is there but refuses this page's token (old or wrong): reconnecting cannot help. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'refused';

export interface Transport {
  api: FerryApi;
  /**
   * What the host accepts for Files the user picked or dropped, in one go (the desktop app asks
   * about them in one native dialog): their paths on the host's machine (headless: the bytes are
   * sent there first), or in the desktop app the main process's handles.
   */
  filesToSources(files: File[]): Promise<Reply<UploadSource[]>>;
  /** Whether upload files and download folders are chosen in the host's native dialogs (desktop app). */
  nativeDialogs: boolean;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Whether the host pushes a `snapshot` event by itself on connect (WebSocket, demo). */
  pushesSnapshot: boolean;
  /** Label for the status bar, e.g. "Demo" or "Remote". */
  label?: string;
  /** Whether files can be opened on this machine: not from a browser talking to a remote host. */
  canOpenFiles: boolean;
}

export type UploadSource = { path: string } | { handle: string };

/** What Electron's preload exposes on `window.ferry`. */
export type FerryBridge = FerryApi & { chooseDroppedFiles(files: File[]): Promise<Reply<ChosenFile[]>> };

/** An error reply the UI's side makes itself (a transport that could not deliver). */
export { failedReply as failed } from '../../../shared/wire/contract-client';
