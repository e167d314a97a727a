// The host's end of the wire, once for every transport (headless WebSocket, local control socket):
// the snapshot first, then the notices held for the first UI, then every event of the service; each
// call handed to the service and answered by its id. Anything malformed gets an error reply (id null
// when it had none) and the connection stays open; nothing a client sends can take the host down.
// VS Code's ChannelServer is the model: it knows the service only by this interface.
import type { EventName, Events, Notice, Reply, Snapshot } from '../contract';
import { encodeEvent } from './host-encoding';
import { encodeMessage, parseCallMessage, type CallId } from './messages';
import type { MessageTransport } from './transport';

export interface ContractService {
  /** Validates and runs one call; always resolves to a Reply. */
  handle(name: unknown, input: unknown): Promise<Reply<unknown>>;
  snapshot(): Snapshot;
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
}

/** A client that lets this much pile up unread is disconnected; it reconnects and takes a snapshot. */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface ServeOptions {
  /** Said before any UI was connected (startup problems): sent after the snapshot. */
  heldNotices?: readonly Notice[];
  maxBufferedBytes?: number;
}

export function serveContract(transport: MessageTransport, service: ContractService, options: ServeOptions = {}): void {
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  let open = true;
  const send = (text: string) => {
    if (!open) return;
    if ((transport.bufferedBytes?.() ?? 0) > maxBuffered) return end('Too far behind; reconnect');
    transport.send(text);
  };
  const sendEvent = <E extends EventName>(name: E, payload: Events[E]) => send(encodeEvent(name, payload));
  const reply = (id: CallId | null, value: Reply<unknown>) => send(encodeMessage({ t: 'reply', id, reply: value }));
  const invalid = (id: CallId | null, message: string) => reply(id, { ok: false, error: { code: 'INVALID_INPUT', message } });

  sendEvent('snapshot', service.snapshot());
  for (const notice of options.heldNotices ?? []) sendEvent('notice', notice);
  const unsubscribe = service.subscribe(sendEvent);
  const stop = () => {
    open = false;
    unsubscribe();
  };
  const end = (why: string) => {
    stop();
    transport.close(why);
  };
  transport.onClose(stop);

  transport.onMessage((text) => {
    const call = parseCallMessage(text);
    if (!call.ok) return invalid(call.id, call.message);
    void service.handle(call.name, call.input).then((result) => reply(call.id, result));
  });
  transport.onUnreadable?.((why) => invalid(null, why));
}
