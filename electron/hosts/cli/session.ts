// Runs one command's transfers on an open engine to the end: wires engine events to the
// reporter, waits, turns the outcome into an exit status, and on Ctrl-C / SIGTERM closes the
// engine (which checkpoints every running transfer) before exiting 130.
import type { TransferView } from '../../../shared/transfer';
import type { TransferEngine } from '../../engine/index';
import { watchInterrupts } from './interrupt-watch';
import { EXIT_FAILED, EXIT_INTERRUPTED, exitCodeFor } from './outcome';
import type { Reporter } from './reporter';

export interface Session {
  engine: TransferEngine;
  reporter: Reporter;
  /** Ids of this command's transfers, tracked so far. */
  ids: string[];
  /** Transfers that could not even be added (bad source, no space): they count as failures. */
  refused: number;
  track(view: TransferView, note?: string): void;
}

export async function runSession(
  engine: TransferEngine,
  reporter: Reporter,
  enqueue: (session: Session) => Promise<void>,
): Promise<number> {
  const session: Session = {
    engine,
    reporter,
    ids: [],
    refused: 0,
    track(view, note) {
      this.ids.push(view.id);
      reporter.track(view, note);
      // The transfer may have moved on between add() returning and tracking it.
      const latest = engine.get(view.id);
      if (latest) reporter.changed(latest);
    },
  };
  const onChanged = (view: TransferView) => reporter.changed(view);
  const onProgress = (id: string, progress: TransferView['progress']) => reporter.progress(id, progress);
  engine.on('changed', onChanged);
  engine.on('progress', onProgress);
  const interrupted = interruption(engine, reporter);
  try {
    const finished = (async () => {
      await enqueue(session);
      return engine.waitUntilFinished(session.ids);
    })();
    const outcome = await Promise.race([finished, interrupted.signalled]);
    if (outcome === 'interrupted') return await interrupted.exit;
    reporter.stop();
    // A transfer removed meanwhile (another host on this data folder) did not complete either.
    const code = session.refused > 0 || outcome.length < session.ids.length ? EXIT_FAILED : exitCodeFor(outcome);
    await engine.close();
    return code;
  } finally {
    interrupted.dispose();
    engine.off('changed', onChanged);
    engine.off('progress', onProgress);
  }
}

/**
 * First SIGINT/SIGTERM: stop the display, close the engine (checkpoints), exit 130.
 * A second one while closing: exit 130 at once.
 */
function interruption(engine: TransferEngine, reporter: Reporter) {
  let resolveSignalled!: (value: 'interrupted') => void;
  const signalled = new Promise<'interrupted'>((resolve) => (resolveSignalled = resolve));
  let exit: Promise<number> | null = null;
  const watch = watchInterrupts(); // the second one exits at once
  watch.onInterrupt(() => {
    exit = (async () => {
      reporter.stop();
      reporter.info('ferry: interrupted; saving progress (run the same command again to continue)');
      try {
        await engine.close();
      } catch (error) {
        process.stderr.write(`ferry: could not save all progress: ${(error as Error).message}\n`);
      }
      return EXIT_INTERRUPTED;
    })();
    resolveSignalled('interrupted');
  });
  return {
    signalled,
    get exit(): Promise<number> {
      return exit ?? Promise.resolve(EXIT_INTERRUPTED);
    },
    dispose: () => watch.dispose(),
  };
}
