// A block of status lines at the bottom of a terminal, redrawn in place at most 10 times a
// second; permanent lines (finished, failed) are printed above it and scroll away normally.

const REDRAW_INTERVAL_MS = 100;

export interface TerminalStream {
  write(text: string): unknown;
  columns?: number;
}

export class LiveBlock {
  private drawnLines = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly stream: TerminalStream,
    /** Produces the current block for a given width; called only when redrawing. */
    private readonly render: (width: number) => string[],
  ) {}

  start(): void {
    this.timer = setInterval(() => this.flush(), REDRAW_INTERVAL_MS);
    this.timer.unref();
  }

  /** Something changed; the next tick redraws. */
  invalidate(): void {
    this.dirty = true;
  }

  /** Print a line that stays, above the live block. */
  printAbove(line: string): void {
    this.stream.write(this.eraseBlock() + line + '\n');
    this.drawnLines = 0;
    this.dirty = true;
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const lines = this.render(width).map((line) => line.slice(0, width));
    this.stream.write(this.eraseBlock() + lines.join('\n'));
    this.drawnLines = lines.length;
  }

  /** Leaves the terminal with the final block drawn and the cursor on a fresh line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.dirty = true;
    this.flush();
    if (this.drawnLines > 0) this.stream.write('\n');
    this.drawnLines = 0;
  }

  private eraseBlock(): string {
    if (this.drawnLines === 0) return '';
    // Back to column 0 of the block's first line, then clear to the end of the screen.
    const up = this.drawnLines > 1 ? `\x1b[${this.drawnLines - 1}A` : '';
    return `\r${up}\x1b[J`;
  }
}
