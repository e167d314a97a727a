// One WebSocket per browser tab, carrying the contract as JSON:
//   client → host  { t: 'call', id, name, input }
//   host → client  { t: 'reply', id, reply }        reply is the contract's Reply
//   host → client  { t: 'event', name, payload }    first event on connect: 'snapshot'
// Anything malformed gets an error reply (id null when it had none); the socket stays open.
import type { WebSocket } from 'ws';
import type { EventName, Events, Notice, Reply } from '../../../shared/contract';
import type { FerryService } from '../kit/service/ferry-service';
import { parseCallMessage, type CallId } from '../kit/call-message';

/** A slow client that lets this much pile up is disconnected; it reconnects and takes a snapshot. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;


/** `heldNotices`: said before any UI was connected (startup problems); sent after the snapshot. */
export function bridgeSocket(socket: WebSocket, service: FerryService, heldNotices: readonly Notice[] = []): void {
  const send = (message: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(1013, 'Too far behind; reconnect');
      return;
    }
    socket.send(JSON.stringify(message));
  };
  const sendEvent = <E extends EventName>(name: E, payload: Events[E]) => send({ t: 'event', name, payload });
  const reply = (id: CallId | null, value: Reply<unknown>) => send({ t: 'reply', id, reply: value });
  const invalid = (id: CallId | null, message: string) =>
    reply(id, { ok: false, error: { code: 'INVALID_INPUT', message } });

  sendEvent('snapshot', service.snapshot());
  for (const notice of heldNotices) sendEvent('notice', notice);
  const unsubscribe = service.subscribe(sendEvent);
  socket.on('close', unsubscribe);
  socket.on('error', unsubscribe);

  socket.on('message', (data, isBinary) => {
    if (isBinary) return invalid(null, 'Messages must be JSON text');
    const call = parseCallMessage(data.toString());
    if (!call.ok) return invalid(call.id, call.message);
    void service.handle(call.name, call.input).then((result) => reply(call.id, result));
  });
}
