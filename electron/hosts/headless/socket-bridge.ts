// One WebSocket per browser tab carries the wire (shared/wire/messages.ts): the contract's calls,
// replies and events, the snapshot first on every connection, then the notices held for the first UI.
import type { WebSocket } from 'ws';
import type { Notice } from '../../../shared/contract';
import { serveContract, type ContractService } from '../../../shared/wire/contract-server';
import { webSocketTransport } from '../kit/web/ws-transport';

/** Requests that act on the host's desktop: only a browser on the host's own machine may make them. */
const ON_THIS_DESKTOP = new Set(['openFile', 'showInFolder']);

/**
 * `heldNotices`: said before any UI was connected (startup problems); sent after the snapshot.
 * `onHostMachine`: the socket comes from a loopback address, so the browser sits at the host's
 * desktop (Open and Show in folder act there); any other socket is refused them.
 */
export function bridgeSocket(socket: WebSocket, service: ContractService, heldNotices: readonly Notice[] = [], onHostMachine = false): void {
  serveContract(webSocketTransport(socket), onHostMachine ? service : forOtherMachine(service), { heldNotices });
}

/** The service as a browser on another machine gets it: everything but acting on this desktop. */
export function forOtherMachine(service: ContractService): ContractService {
  return {
    snapshot: () => service.snapshot(),
    subscribe: (listener) => service.subscribe(listener),
    handle: async (name, input) =>
      typeof name === 'string' && ON_THIS_DESKTOP.has(name)
        ? { ok: false, error: { code: 'FORBIDDEN', message: 'Files open on the machine Ferry runs on: use a browser there to open them or show them in their folder' } }
        : service.handle(name, input),
  };
}

/** Whether a connection comes from this machine (a loopback address, IPv4, IPv6 or IPv4-mapped). */
export function fromHostMachine(remoteAddress: string | undefined): boolean {
  if (!remoteAddress) return false;
  const address = remoteAddress.replace(/^::ffff:/i, '');
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
