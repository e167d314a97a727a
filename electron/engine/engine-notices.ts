// Engine-wide notices (not one transfer's log): records that could not be read at start, saves
// that fail and work again. Its own home so that what is worth telling the user, and how often,
// changes apart from the transfers themselves.
import { createSaveFailureReporter } from './save-failure-reporter';

export interface Notice {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export class EngineNotices {
  /** Every warning and error so far, for hosts that show them after open() (before they listen). */
  readonly problems: string[] = [];
  private readonly saveFailures: ReturnType<typeof createSaveFailureReporter>;

  constructor(
    private readonly emit: (notice: Notice) => void,
    now: () => number,
  ) {
    this.saveFailures = createSaveFailureReporter({ report: (level, message) => this.notice(level, message), now });
  }

  notice(level: Notice['level'], message: string): void {
    if (level !== 'info') this.problems.push(message);
    this.emit({ level, message });
  }

  saveFailed(error: unknown): void {
    // Losing a checkpoint is survivable (the previous one stays valid); losing it silently is not,
    // and a disk that keeps failing stays visible (the reporter repeats, at most once a minute).
    this.saveFailures.failed(error);
  }

  saveSucceeded(): void {
    this.saveFailures.succeeded();
  }
}
