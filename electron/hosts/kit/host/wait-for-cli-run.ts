// A host starting (desktop app, `ferry serve`, `ferry rpc`) on a data folder that a standalone
// `ferry get`/`put` holds waits for that run to end, then starts: the run's transfers finish (or
// are saved paused on Ctrl-C) in the run itself, and the user need not pick another data folder
// (the desktop app has no --data-dir). Another host holding the folder still refuses at once: it
// has a window or a URL to use instead.
import { lockDataDir, type LockResult } from '../data-dir/data-dir-lock';

/** The lock roles of standalone CLI runs (cli/main.ts takes the lock with the command's name). */
const CLI_RUNS = new Set(['get', 'put']);
const POLL_MS = 200;

export interface WaitedLock {
  lock: LockResult;
  /** "`ferry get` (pid 568)" when the host waited for one. */
  waitedFor?: string;
}

export async function lockAfterCliRuns(dataDir: string, say: (line: string) => void, pollMs = POLL_MS): Promise<WaitedLock> {
  let lock = await lockDataDir(dataDir);
  let waitedFor: string | undefined;
  while (!lock.ok && lock.holder?.role !== undefined && CLI_RUNS.has(lock.holder.role)) {
    const run = `\`ferry ${lock.holder.role}\` (pid ${lock.holder.pid})`;
    if (run !== waitedFor) say(`ferry: ${lock.holder.role === 'get' ? 'downloads' : 'uploads'} of ${run} use ${dataDir}: waiting for it to finish, then starting (Ctrl-C to stop)`);
    waitedFor = run;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    lock = await lockDataDir(dataDir);
  }
  return { lock, ...(waitedFor !== undefined ? { waitedFor } : {}) };
}
