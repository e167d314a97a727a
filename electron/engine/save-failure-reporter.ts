// Whether a failed save of the transfer records is worth a notice. Losing one checkpoint is
// survivable (the previous one stays valid), losing them silently is not: a disk that keeps
// failing must stay visible without a notice per progress tick. So the first failure is
// reported, further ones at most once per `repeatMs` (with how many there were), a save that
// works again is reported too, and the next failure after it counts as a first one again.
export interface SaveFailureReporterOptions {
  report(level: 'info' | 'error', message: string): void;
  repeatMs?: number;
  now?: () => number;
}

export const SAVE_FAILURE_REPEAT_MS = 60_000;

export function createSaveFailureReporter(options: SaveFailureReporterOptions) {
  const repeatMs = options.repeatMs ?? SAVE_FAILURE_REPEAT_MS;
  const now = options.now ?? Date.now;
  let lastReportAt: number | undefined;
  let unreported = 0;
  return {
    failed(error: unknown): void {
      const detail = error instanceof Error ? error.message : String(error);
      if (lastReportAt !== undefined && now() - lastReportAt < repeatMs) {
        unreported++;
        return;
      }
      const more = unreported > 0 ? ` (still failing: ${unreported} more since the last notice)` : '';
      options.report('error', `Could not save transfer records${more}: ${detail}`);
      lastReportAt = now();
      unreported = 0;
    },
    succeeded(): void {
      if (lastReportAt === undefined) return;
      lastReportAt = undefined;
      unreported = 0;
      options.report('info', 'Transfer records are being saved again');
    },
  };
}
