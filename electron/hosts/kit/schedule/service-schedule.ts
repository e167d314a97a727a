// The schedules as part of the one service: the runner (timetable, queue hours) and the watcher
// of the queue's finish, wired to the settings store, the engine and the UIs' events.
import type { Events, ScheduleState } from '../../../../shared/contract';
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import type { Clock } from '../../../engine/index';
import type { TransferViews } from '../service/transfer-views';
import { hostFinishActions } from './finish-actions';
import { watchQueueFinish, type QueueFinishActions } from './queue-finish';
import { createScheduleRunner } from './schedule-runner';

export interface ServiceScheduleDeps {
  clock: Clock;
  settings(): Settings;
  /** Saves the limits a timetable step brings and tells the engine and every UI. */
  applyLimits(patch: Pick<SettingsPatch, 'downloadLimit' | 'uploadLimit'>): void;
  setQueueOpen(open: boolean): void | Promise<void>;
  views: TransferViews;
  emit<E extends 'schedule' | 'notice'>(event: E, payload: Events[E]): void;
  openPath(path: string): Promise<string>;
  /** The host's own actions (tests inject theirs; the OS calls for sleep and shut down live in finish-actions.ts). */
  finishActions?: QueueFinishActions;
}

export interface ServiceSchedule {
  state(): ScheduleState;
  settingsChanged(settings: Settings): void;
  runNow(): ScheduleState;
  cancelCountdown(): boolean;
  close(): void;
}

/** A host that runs no schedules (a one-off `ferry get`): the queue always open, no finish actions. */
export function noSchedule(): ServiceSchedule {
  const state = (): ScheduleState => ({ queue: 'always', heldOpen: false, nextQueueStep: null, nextLimitStep: null, countdown: null });
  return { state, settingsChanged: () => undefined, runNow: state, cancelCountdown: () => false, close: () => undefined };
}

export function createServiceSchedule(deps: ServiceScheduleDeps): ServiceSchedule {
  let ready = false;
  const state = (): ScheduleState => ({ ...runner.state(), countdown: watcher?.countdown() ?? null });
  const changed = () => {
    if (ready) deps.emit('schedule', state());
  };
  const notice = (level: 'info' | 'warn', message: string) => deps.emit('notice', { level, message });
  const runner = createScheduleRunner(deps.settings(), {
    clock: deps.clock,
    applyLimits: deps.applyLimits,
    setQueueOpen: (open) => {
      Promise.resolve(deps.setQueueOpen(open)).catch((error: unknown) => notice('warn', `Queue hours: ${error instanceof Error ? error.message : String(error)}`));
    },
    changed,
  });
  const actions =
    deps.finishActions ??
    hostFinishActions({
      notify: (message) => notice('info', message),
      openFolder: async (folder) => {
        const problem = await deps.openPath(folder);
        if (problem) throw new Error(problem);
      },
    });
  const watcher = watchQueueFinish(deps.views.all(), {
    clock: deps.clock,
    action: () => deps.settings().whenQueueFinishes,
    actions,
    countdownChanged: changed,
    problem: (message) => notice('warn', message),
  });
  const unfollow = deps.views.follow((event) => {
    if (event.kind === 'removed') watcher.removed(event.id);
    else watcher.saw(event.view);
  });
  ready = true;

  return {
    state,
    settingsChanged: (settings) => runner.settingsChanged(settings),
    runNow: () => {
      runner.runNow();
      return state();
    },
    cancelCountdown: () => watcher.cancelCountdown(),
    close() {
      unfollow();
      runner.stop();
      watcher.stop();
    },
  };
}
