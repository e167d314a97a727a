// Following handed-over transfers to their end from the Ferry's batched patches: until every one
// finished or was removed, the Ferry went away (a running one that quit or crashed), or a signal.
import type { TransferView } from '../../../shared/transfer';
import { isFinished } from '../../../shared/transfer';
import type { ControlClient } from '../kit/local-control/client';
import type { InterruptWatch } from './interrupt-watch';
import { EXIT_FAILED } from './outcome';
import type { Reporter } from './reporter';

export interface FollowOptions {
  client: ControlClient;
  accepted: readonly TransferView[];
  latest: ReadonlyMap<string, TransferView>;
  removed: ReadonlySet<string>;
  reporter: Reporter;
  interrupts: InterruptWatch;
  /** What Ctrl-C means here (stop following, or checkpoint and stop); `open`: transfers not finished. Resolves to the exit code. */
  onInterrupt(open: number): Promise<number>;
  setOnUpdate(listener: () => void): void;
}

export function followTransfers(options: FollowOptions): Promise<'finished' | number> {
  const { accepted, latest, removed, reporter } = options;
  return new Promise((resolve) => {
    const reported = new Set<string>();
    let settled = false;
    const done = (result: 'finished' | number) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const check = () => {
      let open = 0;
      for (const view of accepted) {
        if (removed.has(view.id)) {
          if (!reported.has(view.id)) reporter.error(`ferry: ${view.name}: removed in the running Ferry`);
          reported.add(view.id);
        } else if (!isFinished((latest.get(view.id) ?? view).state)) {
          open++;
        }
      }
      if (open === 0) done('finished');
      return open;
    };
    options.interrupts.onInterrupt(() => {
      if (settled) return;
      settled = true;
      reporter.stop();
      void options.onInterrupt(check()).then(resolve);
    });
    options.client.onClose(() => {
      if (settled) return;
      reporter.stop();
      reporter.error('ferry: lost the running Ferry; its transfers continue when it runs again');
      done(EXIT_FAILED);
    });
    options.setOnUpdate(check);
    check();
  });
}
