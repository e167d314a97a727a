// Wakes at a timetable's steps on the engine's clock and says which step is in force. It never
// sleeps longer than `maxWaitMs` (a minute by default): a timer armed for hours does not count
// the time a machine spends asleep, so a laptop that slept through a step learns of it within a
// minute of waking, and then only of the latest step (the ones it slept through are history).
import type { WeekSlot } from '../../../shared/schedule/bwlimit';
import type { Clock, TimerHandle } from '../clock';
import { nextStepAfter, stepInForce, type StepInForce } from './week-steps';

export class StepTimer<T> {
  private slots: readonly WeekSlot<T>[] = [];
  private applied: StepInForce<T> | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    /** A step came into force (the timetable was set, or its time came): apply its value. */
    private readonly onStep: (step: StepInForce<T>) => void,
    private readonly maxWaitMs = 60_000,
  ) {}

  /** A new timetable (empty: none): the step in force now applies at once. */
  set(slots: readonly WeekSlot<T>[]): void {
    this.slots = slots;
    this.applied = undefined;
    this.check();
  }

  /** The step in force now, if any. */
  current(): StepInForce<T> | undefined {
    return stepInForce(this.slots, this.clock.now());
  }

  /** When the next step happens (epoch ms), or null without a timetable. */
  nextAt(): number | null {
    return nextStepAfter(this.slots, this.clock.now())?.at ?? null;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.slots = [];
  }

  private check(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.slots.length === 0) return;
    const now = this.clock.now();
    const step = stepInForce(this.slots, now);
    if (step && (step.at !== this.applied?.at || step.slot !== this.applied.slot)) {
      this.applied = step;
      this.onStep(step);
    }
    const next = nextStepAfter(this.slots, now);
    const wait = next ? Math.min(next.at - now, this.maxWaitMs) : this.maxWaitMs;
    this.timer = this.clock.setTimer(() => this.check(), wait);
  }
}
