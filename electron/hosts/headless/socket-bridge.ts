// One WebSocket per browser tab carries the wire (shared/wire/messages.ts): the contract's calls,
// replies and events, the snapshot first on every connection, then the notices held for the first UI.
import type { WebSocket } from 'ws';
import type { Notice } from '../../../shared/contract';
import { serveContract, type ContractService } from '../../../shared/wire/contract-server';
import { webSocketTransport } from '../kit/web/ws-transport';

/** `heldNotices`: said before any UI was connected (startup problems); sent after the snapshot. */
export function bridgeSocket(socket: WebSocket, service: ContractService, heldNotices: readonly Notice[] = []): void {
  serveContract(webSocketTransport(socket), service, { heldNotices });
}
