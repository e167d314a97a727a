// The one transport of this window, set once at startup (main.tsx) or by a test.
import type { Transport } from './transport';

let current: Transport | null = null;

export function setTransport(t: Transport | null): void {
  current = t;
}

export function transport(): Transport {
  if (!current) throw new Error('Ferry is not connected to a host');
  return current;
}

/** Open / Show in folder make sense only where the files are on this machine. */
export function canOpenFiles(): boolean {
  return current?.canOpenFiles ?? false;
}
