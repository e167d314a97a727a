// Header values that `ferry put` hands to a running Ferry (ad-hoc-uploads.ts) are stored as
// secrets so that a retry can send them again. They are needed only while an upload that names
// them is in the list: once the last one is removed the secret goes too, instead of tokens piling
// up in secrets.json for ever. Swept at start (removals before a crash) and after removals. The
// value is stored before its upload enters the engine, so no sweep runs while an addUploadsTo call
// holds the keeper: one runs when the call ends (a refused call leaves a value nothing names).
import type { TransferEngine } from '../../../engine/index';
import { AD_HOC_SECRET_PREFIX, type AdHocSecretSink } from './ad-hoc-uploads';
import { TRANSFER_PROXY_PREFIX } from './proxy-secrets';

const SWEEP_DELAY_MS = 200;

export interface SweptSecretStore {
  set(ref: string, value: string): Promise<void>;
  refs(): string[];
  delete(ref: string): Promise<void>;
}

export interface AdHocSecretKeeper extends AdHocSecretSink {
  hold(): () => void;
  /** Deletes the ad-hoc secrets no listed transfer names; resolves to how many (0 while held: it runs after). */
  sweep(): Promise<number>;
  dispose(): void;
}

export function keepAdHocSecrets(store: SweptSecretStore, engine: Pick<TransferEngine, 'on' | 'off' | 'secretRefsInUse'>): AdHocSecretKeeper {
  let holds = 0;
  let sweeping: Promise<number> | undefined;
  let again = false;

  const sweepOnce = async (): Promise<number> => {
    // Proxy passwords given with transfers (add dialog, `ferry get --all-proxy` handed over) too.
    const ours = store.refs().filter((ref) => ref.startsWith(AD_HOC_SECRET_PREFIX) || ref.startsWith(TRANSFER_PROXY_PREFIX));
    if (ours.length === 0) return 0; // the usual case: no walk over the whole list
    const inUse = engine.secretRefsInUse();
    let deleted = 0;
    for (const ref of ours) {
      // A call that began meanwhile may be storing this very value again (same header, same ref).
      if (holds > 0) break;
      if (inUse.has(ref)) continue;
      await store.delete(ref);
      deleted++;
    }
    return deleted;
  };
  // One sweep at a time; removals during one ask for one more after it.
  const sweep = (): Promise<number> => {
    if (holds > 0) return Promise.resolve(0); // the last release sweeps
    if (sweeping) {
      again = true;
      return sweeping;
    }
    sweeping = (async () => {
      let total = 0;
      do {
        again = false;
        total += await sweepOnce();
      } while (again && holds === 0);
      return total;
    })().finally(() => (sweeping = undefined));
    return sweeping;
  };
  // Removing thousands is thousands of events: one sweep after the burst, not one per removal.
  let timer: NodeJS.Timeout | undefined;
  const sweepLater = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void sweep().catch(() => undefined); // a secret left behind goes at the next sweep
    }, SWEEP_DELAY_MS).unref();
  };
  engine.on('removed', sweepLater);

  return {
    set: (ref, value) => store.set(ref, value),
    hold() {
      holds++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds--;
        // Also after a refused call, whose value no upload names.
        if (holds === 0) sweepLater();
      };
    },
    sweep,
    dispose() {
      engine.off('removed', sweepLater);
      clearTimeout(timer);
    },
  };
}
