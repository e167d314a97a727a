// The messages of Ferry's wire: how the contract (./../contract.ts) travels over a message
// transport (the headless host's WebSocket, the local control socket). JSON text, one message a frame:
//   client → host  { t: 'call', id, name, input }     name and input as in the contract
//   host → client  { t: 'reply', id, reply }          reply: the contract's Reply; id null when the
//                                                     message it answers had no readable id
//   host → client  { t: 'event', name, payload }      one of the contract's events
// The snapshot is the first message on every connection: the 'snapshot' event, so a client reads it
// as it reads any event (and clients written before this module still do).
// No zod here and nothing but types from the contract: the renderer bundles this file.
import type { EventName, Events, Reply } from '../contract';

export type CallId = string | number;

export interface CallMessage {
  t: 'call';
  id: CallId;
  name: string;
  input?: unknown;
}

export interface ReplyMessage {
  t: 'reply';
  id: CallId | null;
  reply: Reply<unknown>;
}

export type EventMessage = { [E in EventName]: { t: 'event'; name: E; payload: Events[E] } }[EventName];

export type SnapshotMessage = Extract<EventMessage, { name: 'snapshot' }>;

/** What a host sends. */
export type HostMessage = ReplyMessage | EventMessage;
/** Everything the wire carries. */
export type WireMessage = CallMessage | HostMessage;

export function encodeMessage(message: WireMessage): string {
  return JSON.stringify(message);
}

export type ParsedCall = { ok: true; id: CallId; name: unknown; input: unknown } | { ok: false; id: CallId | null; message: string };

/** A host's reading of what a client sent: a call, or why it is none (with its id where it had one). */
export function parseCallMessage(text: string): ParsedCall {
  const message = parseObject(text);
  if (!message.ok) return { ok: false, id: null, message: message.why };
  const { t, id, name, input } = message.value;
  const callId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
  if (t !== 'call') return { ok: false, id: callId, message: `Unknown message type: ${String(t).slice(0, 32)}` };
  if (callId === null || (typeof callId === 'string' && callId.length > 64)) {
    return { ok: false, id: null, message: 'A call needs an id (a number or a short string)' };
  }
  return { ok: true, id: callId, name, input };
}

/** A client's reading of what a host sent; undefined for anything else (a host never sends it: ignored). */
export function parseHostMessage(text: string): HostMessage | undefined {
  const message = parseObject(text);
  if (!message.ok) return undefined;
  const { t, id, name, reply } = message.value;
  if (t === 'reply' && (typeof id === 'number' || typeof id === 'string' || id === null) && isReply(reply)) return message.value as unknown as ReplyMessage;
  if (t === 'event' && typeof name === 'string') return message.value as unknown as EventMessage;
  return undefined;
}

/** JSON text that holds an object, or why it does not. */
export function parseObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, why: 'Message is not valid JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, why: 'Message must be a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

function isReply(value: unknown): value is Reply<unknown> {
  return !!value && typeof value === 'object' && typeof (value as { ok?: unknown }).ok === 'boolean';
}
