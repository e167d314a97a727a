// What the UI needs from its host, whatever carries it: the contract's FerryApi plus the two
// things that differ per transport (turning a dropped File into a path the host can read, and
// whether the connection is up).
import type { FerryApi, Reply } from '../../../shared/contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  api: FerryApi;
  /** A path on the host's machine for a File the user picked or dropped. */
  fileToPath(file: File): Promise<Reply<string>>;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Whether the host pushes a `snapshot` event by itself on connect (WebSocket, demo). */
  pushesSnapshot: boolean;
  /** Label for the status bar, e.g. "Demo" or "Remote". */
  label?: string;
  /** Whether files can be opened on this machine: not from a browser talking to a remote host. */
  canOpenFiles: boolean;
}

/** What Electron's preload exposes on `window.ferry`. */
export type FerryBridge = FerryApi & { getPathForFile(file: File): string };

export function failed<T>(message: string): Reply<T> {
  return { ok: false, error: { code: 'FAILED', message } };
}
