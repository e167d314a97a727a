// The main process's decisions about closing and quitting, free of Electron so they read (and
// test) as plain rules. Motrix's idea: a `quitting` flag decides whether closing the window hides
// it to the tray; teardown is a list of promises awaited with allSettled before the app exits.
import type { Settings } from '../../shared/settings';

export interface LifecycleDeps {
  settings(): Pick<Settings, 'closeToTray' | 'confirmQuitWhileActive' | 'notifications'>;
  activeCount(): number;
  /** Asks the user; true means quit anyway. */
  confirmQuit(activeCount: number): Promise<boolean>;
  /** Checkpoints and stops the engine (engine.close()). */
  closeEngine(): Promise<void>;
  /** Other teardown (tray, servers); each awaited, failures ignored. */
  teardown?: () => Promise<void>;
  /** app.exit(): ends without firing before-quit again. */
  exit(code: number): void;
  /** Told once, the first time the window hides to the tray. */
  keepsRunningNotice(): void;
  trayNoticeShown(): boolean;
  markTrayNoticeShown(): void;
  /** Upper bound for the teardown; a hung piece must not keep Ferry from quitting. Default 15 s. */
  shutdownTimeoutMs?: number;
}

export interface ClosableWindow {
  hide(): void;
}

export class AppLifecycle {
  private quitting = false;
  private asking = false;
  private exiting: Promise<void> | undefined;

  constructor(private readonly deps: LifecycleDeps) {}

  get isQuitting(): boolean {
    return this.quitting;
  }

  /** BrowserWindow 'close': hide to the tray unless quitting or the setting is off. */
  onWindowClose(event: { preventDefault(): void }, window: ClosableWindow): void {
    if (this.quitting) return;
    event.preventDefault();
    if (this.deps.settings().closeToTray) {
      window.hide();
      if (!this.deps.trayNoticeShown()) {
        this.deps.markTrayNoticeShown();
        this.deps.keepsRunningNotice();
      }
      return;
    }
    void this.requestQuit();
  }

  /** 'window-all-closed': Ferry lives in the tray; transfers go on. Never quits. */
  onWindowAllClosed(): void {}

  /** 'before-quit' (Cmd+Q, tray Quit, OS logout): run our own flow instead. */
  onBeforeQuit(event: { preventDefault(): void }): void {
    if (this.exiting) return;
    event.preventDefault();
    void this.requestQuit();
  }

  /** Quit, asking first when transfers are active (setting). Resolves false when the user declined. */
  async requestQuit(options: { force?: boolean } = {}): Promise<boolean> {
    if (this.exiting) {
      await this.exiting;
      return true;
    }
    if (this.asking) return false;
    const active = this.deps.activeCount();
    if (!options.force && active > 0 && this.deps.settings().confirmQuitWhileActive) {
      this.asking = true;
      const yes = await this.deps.confirmQuit(active).finally(() => (this.asking = false));
      if (!yes) return false;
    }
    this.quitting = true;
    this.exiting = this.shutDown();
    await this.exiting;
    return true;
  }

  private async shutDown(): Promise<void> {
    // Every piece gets its chance; the engine's checkpoint must be on disk before we exit.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.shutdownTimeoutMs ?? 15_000)));
    await Promise.race([Promise.allSettled([this.deps.closeEngine(), this.deps.teardown?.() ?? Promise.resolve()]), bound]);
    clearTimeout(timer);
    this.deps.exit(0);
  }
}
