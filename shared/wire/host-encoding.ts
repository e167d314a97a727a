// The host's JSON for replies and events, serializing each transfer view once where it can. An
// add of 1,000 answers with the 1,000 new views, and ~100 ms later the same view objects go out as
// the 'patches' event to every connection: the reply's JSON of each view is kept (weakly, by the
// view object, which nobody changes once it left the engine) for the event to take, and each event
// is encoded once for all connections. The text is what encodeMessage would give, in key order.
import type { EventName, Events, Reply, TransferPatch } from '../contract';
import { encodeMessage, type CallId, type EventMessage } from './messages';

/** A view's JSON, left by the reply that carried it, taken by the first event that carries it too. */
const fragments = new WeakMap<object, string>();
/** Each event payload's text: the service hands one payload object to every connection. */
const encodedEvents = new WeakMap<object, { name: EventName; text: string }>();

export function encodeReply(id: CallId | null, reply: Reply<unknown>): string {
  if (!reply.ok || !Array.isArray(reply.value) || !reply.value.every(isPlainObject)) return encodeMessage({ t: 'reply', id, reply });
  const items = reply.value.map((item: object) => {
    const text = JSON.stringify(item);
    fragments.set(item, text);
    return text;
  });
  return `{"t":"reply","id":${JSON.stringify(id)},"reply":{"ok":true,"value":[${items.join(',')}]}}`;
}

export function encodeEvent<E extends EventName>(name: E, payload: Events[E]): string {
  if (!isObject(payload)) return encodeMessage({ t: 'event', name, payload } as EventMessage);
  const known = encodedEvents.get(payload);
  if (known?.name === name) return known.text;
  const text = name === 'patches' ? encodePatches(payload as TransferPatch[]) : encodeMessage({ t: 'event', name, payload } as EventMessage);
  encodedEvents.set(payload, { name, text });
  return text;
}

function encodePatches(patches: readonly TransferPatch[]): string {
  const items = patches.map((patch) => {
    if (!('view' in patch)) return JSON.stringify(patch);
    const kept = fragments.get(patch.view);
    if (kept === undefined) return JSON.stringify(patch);
    fragments.delete(patch.view);
    return `{"id":${JSON.stringify(patch.id)},"view":${kept}}`;
  });
  return `{"t":"event","name":"patches","payload":[${items.join(',')}]}`;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;
const isPlainObject = (value: unknown): value is object => isObject(value) && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
