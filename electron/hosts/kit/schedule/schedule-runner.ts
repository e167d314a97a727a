// The schedules in the settings, run on the engine's clock: the bandwidth timetable sets the
// download and upload limits at each of its steps (a limit changed by hand in between holds until
// the next step: the step writes the setting, the user may overwrite it), and queue hours open and
// close the engine's queue. "Run now" opens the queue until its next step.
import { parseBandwidthTimetable, type BandwidthPair } from '../../../../shared/schedule/bwlimit';
import { queueHourSlots, type QueueGate } from '../../../../shared/schedule/queue-hours';
import type { ScheduleState } from '../../../../shared/contract';
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import { StepTimer, type Clock } from '../../../engine/index';

export interface ScheduleRunnerDeps {
  clock: Clock;
  /** Writes the limits a step brings (the settings store, the engine, every UI told). */
  applyLimits(patch: Pick<SettingsPatch, 'downloadLimit' | 'uploadLimit'>): void;
  setQueueOpen(open: boolean): void;
  /** The schedule's state changed (next steps, queue open or closed): for the UIs. */
  changed(): void;
}

export interface ScheduleRunner {
  /** Settings were saved: a changed timetable or queue hours apply at once. */
  settingsChanged(settings: Settings): void;
  /** Opens the queue now, until the queue hours' next step. */
  runNow(): void;
  state(): Omit<ScheduleState, 'countdown'>;
  stop(): void;
}

export function createScheduleRunner(settings: Settings, deps: ScheduleRunnerDeps): ScheduleRunner {
  let timetableText: string | undefined;
  let hoursKey: string | undefined;
  let queue: ScheduleState['queue'] = 'always';
  let heldOpen = false;

  const limits = new StepTimer<BandwidthPair>(deps.clock, (step) => {
    deps.applyLimits({ downloadLimit: step.slot.value.download, uploadLimit: step.slot.value.upload });
    deps.changed();
  });
  const hours = new StepTimer<QueueGate>(deps.clock, (step) => {
    heldOpen = false;
    queue = step.slot.value;
    deps.setQueueOpen(queue === 'open');
    deps.changed();
  });

  function settingsChanged(next: Settings): void {
    if (next.bandwidthTimetable !== timetableText) {
      timetableText = next.bandwidthTimetable;
      const parsed = next.bandwidthTimetable.trim() === '' ? undefined : parseBandwidthTimetable(next.bandwidthTimetable);
      limits.set(parsed?.ok ? parsed.value : []);
      deps.changed();
    }
    const key = JSON.stringify(next.queueHours);
    if (key !== hoursKey) {
      hoursKey = key;
      const slots = queueHourSlots(next.queueHours);
      heldOpen = false;
      if (slots.length === 0) {
        queue = 'always';
        deps.setQueueOpen(true);
      }
      hours.set(slots);
      deps.changed();
    }
  }

  settingsChanged(settings);

  return {
    settingsChanged,
    runNow() {
      if (queue !== 'closed') return;
      heldOpen = true;
      deps.setQueueOpen(true);
      deps.changed();
    },
    state: () => ({ queue, heldOpen, nextQueueStep: hours.nextAt(), nextLimitStep: limits.nextAt() }),
    stop() {
      limits.stop();
      hours.stop();
    },
  };
}
