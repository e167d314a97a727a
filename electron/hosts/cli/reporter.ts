// Turns engine events for this command's transfers into output:
//   live (a terminal, not --quiet): a redrawn progress line per running transfer on stderr,
//     plus a total line when there are several; finished/failed lines printed above it.
//   plain (pipes, files): "start", "done" lines on stdout, failures on stderr.
//   quiet: only the result of each finished transfer on stdout; failures on stderr.
import { maskUrlPasswords } from '../../../shared/secret-mask';
import type { TransferProgress, TransferView } from '../../../shared/transfer';
import { formatBytes, formatProgressLine, formatSpeed } from './format';
import { LiveBlock, type TerminalStream } from './live-block';
import { errorText, failureText, resultText } from './outcome';

export type OutputMode = 'live' | 'plain' | 'quiet';

export interface ReporterStreams {
  out: { write(text: string): unknown };
  err: TerminalStream;
}

interface Row {
  view: TransferView;
  progress: TransferProgress;
  reported: 'none' | 'started' | 'finished';
}

export class Reporter {
  private readonly rows = new Map<string, Row>();
  private readonly live: LiveBlock | null;

  constructor(
    private readonly mode: OutputMode,
    private readonly streams: ReporterStreams,
  ) {
    this.live = mode === 'live' ? new LiveBlock(streams.err, (width) => this.renderBlock(width)) : null;
    this.live?.start();
  }

  /** A transfer of this command (new, or an earlier interrupted one being continued). */
  track(view: TransferView, note?: string): void {
    this.rows.set(view.id, { view, progress: view.progress, reported: 'none' });
    if (note) this.info(`${view.name}: ${note}`);
    this.changed(view);
  }

  changed(view: TransferView): void {
    const row = this.rows.get(view.id);
    if (!row) return;
    const previousAttempt = row.view.attempt;
    row.view = view;
    row.progress = view.progress;
    if (view.state === 'active' && row.reported === 'none') {
      row.reported = 'started';
      if (this.mode === 'plain') this.streams.out.write(`start ${view.name} ${describeDirection(view)}\n`);
    }
    if (view.attempt > previousAttempt && view.attempt > 1 && this.mode !== 'quiet') {
      const restart = view.upload?.restartsOnResume ? ', sending the whole file again' : '';
      this.info(`${view.name}: retrying (attempt ${view.attempt}${restart})${view.error ? ` after: ${errorText(view.error)}` : ''}`);
    }
    if ((view.state === 'completed' || view.state === 'failed' || view.state === 'canceled') && row.reported !== 'finished') {
      row.reported = 'finished';
      this.finished(view);
    }
    this.live?.invalidate();
  }

  progress(id: string, progress: TransferProgress): void {
    const row = this.rows.get(id);
    if (!row) return;
    row.progress = progress;
    this.live?.invalidate();
  }

  /** A note for the user (not a result): stderr, never in quiet mode. */
  info(message: string): void {
    if (this.mode === 'quiet') return;
    this.printNote(message);
  }

  /** A problem the user must see, even with --quiet: stderr. */
  error(message: string): void {
    this.printNote(message);
  }

  /** Terminal output ends up in CI logs and screen shares: URL passwords are masked. */
  private printNote(message: string): void {
    const masked = maskUrlPasswords(message);
    if (this.live) this.live.printAbove(masked);
    else this.streams.err.write(`${masked}\n`);
  }

  stop(): void {
    this.live?.stop();
  }

  private finished(view: TransferView): void {
    if (view.state === 'completed') {
      const result = resultText(view);
      if (this.mode === 'quiet') this.streams.out.write(`${result}\n`);
      else if (this.live) this.live.printAbove(`done ${view.name} -> ${result} (${formatBytes(view.progress.bytesDone)})`);
      else this.streams.out.write(`done ${view.name} -> ${result} (${formatBytes(view.progress.bytesDone)})\n`);
      return;
    }
    this.error(`ferry: ${failureText(view)}`);
  }

  private renderBlock(width: number): string[] {
    // A transfer waiting for its next attempt is queued (it gave its slot back) but still this
    // command's business: it keeps its line, with "retry in Ns".
    const running = [...this.rows.values()].filter((row) => row.view.state === 'active' || (row.view.state === 'queued' && row.view.nextRetryAt !== undefined));
    const lines = running.map((row) => formatProgressLine(row.view.name, row.progress, width, retryNote(row.view)));
    if (this.rows.size > 1) lines.push(this.totalLine());
    return lines;
  }

  private totalLine(): string {
    const rows = [...this.rows.values()];
    const done = rows.filter((row) => row.view.state === 'completed').length;
    const failed = rows.filter((row) => row.view.state === 'failed' || row.view.state === 'canceled').length;
    const speed = rows.reduce((sum, row) => sum + (row.view.state === 'active' ? row.progress.speed : 0), 0);
    const bytes = rows.reduce((sum, row) => sum + row.progress.bytesDone, 0);
    return `total: ${done}/${rows.length} done${failed ? `, ${failed} failed` : ''}, ${formatBytes(bytes)}, ${formatSpeed(speed)}`;
  }
}

function describeDirection(view: TransferView): string {
  return `${view.kind === 'download' ? '<-' : '->'} ${maskUrlPasswords(view.url)}`;
}

function retryNote(view: TransferView): string {
  const connections = view.download?.connections;
  const stream = view.download?.stream;
  // Streams show their segments ("12/15 seg"), segmented downloads their connections ("8 conn").
  const notes = [
    ...(stream ? [`${stream.segmentsDone}/${stream.segmentsTotal} seg${stream.sizeEstimated ? ', size estimated' : ''}`] : []),
    ...(connections && connections > 1 ? [`${connections} conn`] : []),
    retryText(view),
  ];
  return notes.filter(Boolean).join('  ');
}

function retryText(view: TransferView): string {
  if (view.nextRetryAt && view.nextRetryAt > Date.now()) {
    return `retry in ${Math.ceil((view.nextRetryAt - Date.now()) / 1000)}s`;
  }
  return view.attempt > 1 ? `attempt ${view.attempt}` : '';
}
