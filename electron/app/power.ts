// Sleep and transfers. While transfers run (and the setting is on) the system is kept from
// suspending the app. If it suspends anyway, running transfers are paused, which checkpoints
// them, and exactly those are resumed on wake.
import type { TransferView } from '../../shared/transfer';

export interface PowerDeps {
  preventSleep(): boolean;
  startBlocker(): number;
  stopBlocker(id: number): void;
  list(): TransferView[];
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
}

export class PowerPolicy {
  private blockerId: number | undefined;
  private pausedForSleep: string[] = [];

  constructor(private readonly deps: PowerDeps) {}

  /** Call whenever the number of active transfers or the setting may have changed. */
  update(activeCount: number): void {
    const want = activeCount > 0 && this.deps.preventSleep();
    if (want && this.blockerId === undefined) this.blockerId = this.deps.startBlocker();
    if (!want && this.blockerId !== undefined) {
      this.deps.stopBlocker(this.blockerId);
      this.blockerId = undefined;
    }
  }

  async onSuspend(): Promise<void> {
    const running = this.deps.list().filter((v) => v.state === 'active' || v.state === 'queued');
    this.pausedForSleep = running.map((v) => v.id);
    await Promise.allSettled(this.pausedForSleep.map((id) => this.deps.pause(id)));
  }

  async onResume(): Promise<void> {
    const ids = this.pausedForSleep;
    this.pausedForSleep = [];
    // In queue order, so the queue looks as it did before sleep.
    await Promise.allSettled(ids.map((id) => this.deps.resume(id)));
  }

  stop(): void {
    this.update(0);
  }
}
