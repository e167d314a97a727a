// Ctrl-C (and SIGTERM) for the CLI: a session of its own (session.ts) and a command that follows
// transfers another Ferry owns. The handler is in place before the command says what Ctrl-C does,
// so a Ctrl-C right after that line is a clean stop (exit 130), never Node's default death by
// signal; one that comes before anyone listens is kept for later. A second one exits at once (a
// close that hangs, or a running Ferry that stopped answering, must not hold the terminal).
import { EXIT_INTERRUPTED } from './outcome';

export interface InterruptWatch {
  readonly happened: boolean;
  /** Calls `listener` on the first SIGINT/SIGTERM, at once when one came already. */
  onInterrupt(listener: () => void): void;
  dispose(): void;
}

export function watchInterrupts(): InterruptWatch {
  let happened = false;
  let listener: (() => void) | null = null;
  const onSignal = () => {
    if (happened) process.exit(EXIT_INTERRUPTED);
    happened = true;
    listener?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get happened() {
      return happened;
    },
    onInterrupt(next) {
      listener = next;
      if (happened) next();
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
