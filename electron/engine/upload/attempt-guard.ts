// One attempt's abort plumbing: the engine's signal (pause, cancel, shutdown) and our own
// timeouts (stall while sending, no answer after the body) both stop the request; afterwards we
// can tell which one it was, so a pause is "aborted" and a timeout is a retryable failure.
import { createStallWatchdog, type StallWatchdog } from '../stall-watchdog';
import { TransferFailure } from '../types';

export class AttemptGuard {
  private readonly controller = new AbortController();
  private ownFailure: TransferFailure | undefined;
  private readonly onOuterAbort = () => this.controller.abort(this.outer.reason);
  private readonly timers = new Set<{ stop(): void }>();
  private readonly stallWatchdogs = new Set<StallWatchdog>();

  constructor(private readonly outer: AbortSignal) {
    if (outer.aborted) this.controller.abort(outer.reason);
    else outer.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Aborted by the engine or by one of our timeouts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The engine asked us to stop: the attempt ends as 'aborted', not as a failure. */
  get stoppedByEngine(): boolean {
    return this.outer.aborted;
  }

  /** Set when one of our own timeouts ended the attempt. */
  get failure(): TransferFailure | undefined {
    return this.ownFailure;
  }

  fail(failure: TransferFailure): void {
    if (this.ownFailure || this.controller.signal.aborted) return;
    this.ownFailure = failure;
    this.controller.abort(failure);
  }

  /** No body bytes moving for `timeoutMs` while sending: STALLED (retryable). */
  watchStall(timeoutMs: number): StallWatchdog {
    const watchdog = createStallWatchdog(timeoutMs, () =>
      this.fail(
        new TransferFailure({ code: 'STALLED', message: `No upload progress for ${Math.round(timeoutMs / 1000)} s`, retryable: true }),
      ),
    );
    this.timers.add(watchdog);
    this.stallWatchdogs.add(watchdog);
    return watchdog;
  }

  /**
   * Bytes are moving, only held back by our own speed limit: not a stall. Without this a slow
   * limit (a chunk taking longer than the stall timeout to be let through) would look like one.
   */
  alive(): void {
    for (const watchdog of this.stallWatchdogs) watchdog.kick();
  }

  /** The body went out and no answer came within `timeoutMs`: RESPONSE_TIMEOUT (retryable). */
  watchResponse(timeoutMs: number): { stop(): void } {
    const timer = setTimeout(() => this.fail(responseTimeoutFailure(timeoutMs)), timeoutMs);
    timer.unref?.();
    const handle = { stop: () => clearTimeout(timer) };
    this.timers.add(handle);
    return handle;
  }

  dispose(): void {
    this.outer.removeEventListener('abort', this.onOuterAbort);
    for (const timer of this.timers) timer.stop();
    this.timers.clear();
    this.stallWatchdogs.clear();
  }
}

export function responseTimeoutFailure(timeoutMs: number): TransferFailure {
  return new TransferFailure({
    code: 'RESPONSE_TIMEOUT',
    message: `The server took the upload but gave no answer within ${Math.round(timeoutMs / 1000)} s`,
    retryable: true,
  });
}
