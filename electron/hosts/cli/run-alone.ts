// `ferry get` / `ferry put` with no Ferry running on the data folder: this command opens Ferry
// in-process, from the hosts' one composition root (kit/host/open-host.ts), and hands its
// transfers to it over the same contract and the same code as when it joins a running one. The run
// is the command's own: the engine settings take its --limit and proxy options (over the saved
// settings, never saved), the other transfers in the data folder are held as saved (neither started
// nor paused: the app's queue stays the app's), `put`'s header values
// stay in memory, and nothing else opens (no RPC, no local channel: a second command meanwhile is
// refused by the lock).
import { systemProxyFromEnvironment } from '../../engine/index';
import { openHost } from '../kit/host/open-host';
import { inProcessClient } from '../kit/local-control/in-process';
import { readOnlyJsonBacking } from '../kit/service/backing-store';
import type { GetCommand, PutCommand } from './args';
import { handOverAndFollow, type Output } from './hand-over';

export async function runAlone(
  command: GetCommand | PutCommand,
  putUrls: readonly string[],
  lock: { release(): Promise<void> },
  output: Output,
  /** Called once Ferry is open and this command handles Ctrl-C itself. */
  started: () => void,
): Promise<number> {
  const systemProxy = systemProxyFromEnvironment(process.env, command.proxy);
  const limit = command.kind === 'get' ? { downloadLimit: command.limit } : { uploadLimit: command.limit };
  const host = await openHost({
    dataDir: command.dataDir,
    heldLock: lock,
    // The run reads the saved settings and destinations and saves nothing (nor loads conf to do so).
    openBacking: readOnlyJsonBacking,
    // Problems found at start reach the command as held notices (its reporter prints them).
    log: () => undefined,
    ...(systemProxy ? { systemProxy } : {}),
    // The command's proxy options and the environment are this run's "system" proxy, as for curl.
    run: {
      engineSettings: { ...limit, proxy: { mode: 'system' } },
      // A command prints paths, never the SHA-256 the app's details panel shows: hashing every file
      // on a second thread would cost ~0.7-1.0 s of CPU per GiB for nothing (docs/benchmarks.md,
      // 2026-12-07). A SHA-256 given with --sha256/--checksum is still checked.
      fileSha256: false,
    },
    // A one-off run: the saved timetable and queue hours must not override its limit or hold it back.
    front: { runSchedules: false },
  });
  try {
    started();
    const client = inProcessClient(host.service.forCaller('owner'), host.attachUi());
    return await handOverAndFollow(client, command, putUrls, output, {
      close: () => host.close(),
      pauseInterrupted: (ids) => host.pauseWithNote(ids, `Paused: the \`ferry ${command.kind}\` that ran it was interrupted; run it again to continue`),
    });
  } finally {
    await host.close();
  }
}
