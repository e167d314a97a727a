// The host's JSON for events: each event is encoded once for all connections. The service hands
// one payload object to every listener (a 'patches' batch of 1,000 added views, a snapshot-sized
// burst), so a second browser tab or a following CLI costs a send, not another serialization.
// Measured and left out: keeping each view's JSON from an add's reply for the patches event that
// carries the same views costs as much as it saves (~20 ms of CPU per 10,000 views either way: one
// JSON.stringify of the whole batch is as fast as joining per-view texts).
import type { EventName, Events } from '../contract';
import { encodeMessage, type EventMessage } from './messages';

/** Each event payload's text, weakly by the payload object (gone with the payload). */
const encodedEvents = new WeakMap<object, { name: EventName; text: string }>();

export function encodeEvent<E extends EventName>(name: E, payload: Events[E]): string {
  const message = { t: 'event', name, payload } as EventMessage;
  if (typeof payload !== 'object' || payload === null) return encodeMessage(message);
  const known = encodedEvents.get(payload);
  if (known?.name === name) return known.text;
  const text = encodeMessage(message);
  encodedEvents.set(payload, { name, text });
  return text;
}
