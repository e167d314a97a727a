// What happens when the queue has finished: it had work (transfers queued or running), one of
// them completed, and now none is queued or running. The files finished since the queue last had
// work go to the action the user chose. Sleep and shut down wait 60 s on the engine's clock first,
// cancellable from every UI; the OS calls themselves are injected (power-actions.ts holds the real
// ones), so the countdown and its cancel are tested without a machine going down.
import type { QueueFinishAction } from '../../../../shared/settings';
import type { TransferView } from '../../../../shared/transfer';
import type { Clock, TimerHandle } from '../../../engine/index';

export const POWER_COUNTDOWN_MS = 60_000;

export interface QueueFinishActions {
  notify(files: string[]): void;
  openFolder(files: string[]): void | Promise<void>;
  runCommand(command: string, files: string[]): void | Promise<void>;
  sleep(): void | Promise<void>;
  shutdown(): void | Promise<void>;
}

export interface QueueFinishDeps {
  clock: Clock;
  action(): { action: QueueFinishAction; command: string };
  actions: QueueFinishActions;
  /** A power countdown started (its end), or ended or was cancelled (null). */
  countdownChanged(countdown: { action: 'sleep' | 'shutdown'; endsAt: number } | null): void;
  /** An action failed (a command that could not start, an OS call refused): said as a notice. */
  problem(message: string): void;
}

export interface QueueFinishWatcher {
  /** Every view the engine sends (added or changed), and removals as `removed`. */
  saw(view: TransferView): void;
  removed(id: string): void;
  cancelCountdown(): boolean;
  countdown(): { action: 'sleep' | 'shutdown'; endsAt: number } | null;
  stop(): void;
}

const PENDING = new Set(['queued', 'active']);

export function watchQueueFinish(initial: Iterable<TransferView>, deps: QueueFinishDeps): QueueFinishWatcher {
  const pending = new Set<string>();
  const finishedFiles: string[] = [];
  let completedSinceBusy = 0;
  let countdown: { action: 'sleep' | 'shutdown'; endsAt: number; timer: TimerHandle } | undefined;

  for (const view of initial) if (PENDING.has(view.state)) pending.add(view.id);

  function saw(view: TransferView): void {
    const wasPending = pending.has(view.id);
    if (PENDING.has(view.state)) {
      pending.add(view.id);
      // New work while a power countdown runs: the machine stays up.
      if (!wasPending) cancelCountdown();
      return;
    }
    pending.delete(view.id);
    if (wasPending && view.state === 'completed') {
      completedSinceBusy++;
      const file = view.download?.filePath ?? view.upload?.sourcePath;
      if (file) finishedFiles.push(file);
    }
    if (wasPending) maybeFinished();
  }

  function maybeFinished(): void {
    if (pending.size > 0 || completedSinceBusy === 0) return;
    const files = finishedFiles.splice(0);
    completedSinceBusy = 0;
    void run(files);
  }

  async function run(files: string[]): Promise<void> {
    const { action, command } = deps.action();
    try {
      if (action === 'notify') deps.actions.notify(files);
      else if (action === 'open-folder') await deps.actions.openFolder(files);
      else if (action === 'run-command') await deps.actions.runCommand(command, files);
      else startCountdown(action);
    } catch (error) {
      deps.problem(`When the queue finished: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function startCountdown(action: 'sleep' | 'shutdown'): void {
    cancelCountdown();
    const endsAt = deps.clock.now() + POWER_COUNTDOWN_MS;
    const timer = deps.clock.setTimer(() => {
      countdown = undefined;
      deps.countdownChanged(null);
      Promise.resolve()
        .then(() => (action === 'sleep' ? deps.actions.sleep() : deps.actions.shutdown()))
        .catch((error: unknown) => deps.problem(`Could not ${action === 'sleep' ? 'put the machine to sleep' : 'shut the machine down'}: ${error instanceof Error ? error.message : String(error)}`));
    }, POWER_COUNTDOWN_MS);
    countdown = { action, endsAt, timer };
    deps.countdownChanged({ action, endsAt });
  }

  function cancelCountdown(): boolean {
    if (!countdown) return false;
    countdown.timer.cancel();
    countdown = undefined;
    deps.countdownChanged(null);
    return true;
  }

  return {
    saw,
    removed(id) {
      if (pending.delete(id)) maybeFinished();
    },
    cancelCountdown,
    countdown: () => (countdown ? { action: countdown.action, endsAt: countdown.endsAt } : null),
    stop: () => {
      countdown?.timer.cancel();
      countdown = undefined;
    },
  };
}
