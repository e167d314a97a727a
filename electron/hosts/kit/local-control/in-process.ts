// The owner's channel to a Ferry opened in this very process (the standalone `ferry get`/`put`):
// the same ControlClient a CLI gets over the local socket, answered by the one service directly.
// Nothing crosses a process boundary, so nothing is serialised: calls are the service's own
// Replies, events its own batched patches and notices (the notices held for the first UI first).
import type { EventName, Events, Notice, RequestOutput } from '../../../../shared/contract';
import type { ContractService } from '../../../../shared/wire/contract-server';
import { ControlCallError, type ControlClient } from './client';

export function inProcessClient(service: ContractService, heldNotices: readonly Notice[]): ControlClient {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const closers = new Set<() => void>();
  let open = true;
  const deliver = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload as never);
  };
  const unsubscribe = service.subscribe(<E extends EventName>(event: E, payload: Events[E]) => deliver(event, payload));
  // As over the wire: what was said before this client came, right after it is connected.
  setImmediate(() => {
    for (const notice of heldNotices) if (open) deliver('notice', notice);
  });
  return {
    async call(name, input) {
      if (!open) throw new ControlCallError({ code: 'FAILED', message: 'Ferry is closed' });
      const reply = await service.handle(name, input);
      if (!reply.ok) throw new ControlCallError(reply.error);
      return reply.value as RequestOutput<typeof name>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
    },
    onClose: (listener) => void closers.add(listener),
    close() {
      if (!open) return;
      open = false;
      unsubscribe();
      for (const closer of closers) closer();
    },
  };
}
