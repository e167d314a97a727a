// When a download records its durable progress. A SIGKILL costs what arrived since the start of
// the last checkpoint that completed, so the gap between checkpoints is bytes a second run fetches
// again. The next one starts `intervalMs` after the previous one started, by a timer of its own:
// the scheduling tick (every 50 ms) let up to 150 ms pass, and a tick that found one running
// skipped its turn. One can also be asked for at once (a finished segment); never two run at
// once: one asked for meanwhile starts as soon as the running one ends.

export class CheckpointCadence {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly checkpoint: () => Promise<void>,
    /** A checkpoint failed: the download stops with this reason. */
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Arms the first checkpoint, `intervalMs` from now. */
  start(): void {
    this.arm(Date.now());
  }

  /** A checkpoint now, or as soon as the running one ends. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
    const startedAt = Date.now();
    this.running = this.checkpoint()
      .catch((err: unknown) => this.failed(err))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) this.request();
        else this.arm(startedAt);
      });
  }

  /** No more checkpoints from here; resolves when the running one has ended (the caller records the last). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The next checkpoint `intervalMs` after `from`; at once if that time has passed. */
  private arm(from: number): void {
    if (this.stopped) return;
    const wait = from + this.intervalMs - Date.now();
    if (wait <= 0) return this.request();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.request();
    }, wait);
  }
}
