// One Ferry process per data folder at a time: two processes loading and saving the same
// records would overwrite each other's checkpoints. The lock is a file holding the owner's pid
// and a random nonce; a lock whose process is gone (SIGKILL, crash) is taken over at once, so
// rerunning a killed `ferry get` just works (a time-based lock would make it wait).
//
// Why it is race-free:
// - A lock file appears with its content complete (written to a private temp file, then
//   hard-linked into place, which fails if the name exists), so nobody reads a half-written one.
// - Taking over a stale lock: two processes that both saw the same dead owner must not both
//   delete and recreate it (the second would delete the first one's fresh lock). Only the
//   process that exclusively creates a takeover marker named after that exact lock content may
//   delete it, and only after reading it again under the marker. A lock's content is unique
//   (nonce), so once replaced it never comes back and a late marker holder finds it changed.
//   A marker holder that died mid-takeover is stepped over with the next numbered marker.
// - `release` deletes the lock only while it still holds our own content.
import { randomBytes, createHash } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from './process-alive';

/** Who holds a lock: its pid and, when it said so, what it is (`get`, `put`: a standalone CLI run). */
export interface LockHolder {
  pid: number;
  role?: string;
}

export type LockResult = { ok: true; release(): Promise<void> } | { ok: false; message: string; holder?: LockHolder };

const LOCK_NAME = 'cli.lock';
const MARKER_PREFIX = `${LOCK_NAME}.takeover-`;
// Each round that meets a takeover in progress waits 5-25 ms: about a second in all before giving up.
const MAX_ROUNDS = 60;

/** `role`: one word saying what takes it (a standalone CLI run: `get`, `put`), for a host that finds it held. */
export async function lockDataDir(dataDir: string, role?: string): Promise<LockResult> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_NAME);
  const content = `${process.pid} ${randomBytes(8).toString('hex')}${role !== undefined && /^[a-z-]+$/.test(role) ? ` ${role}` : ''}`;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (await createComplete(lockPath, content)) {
      return { ok: true, release: () => releaseIfOurs(lockPath, content) };
    }
    const seen = await readFile(lockPath, 'utf8').catch(() => null);
    if (seen === null) continue; // released in between: try again
    const owner = ownerPid(seen);
    if (owner !== null && owner !== process.pid && isProcessAlive(owner)) {
      const role = seen.trim().split(/\s+/)[2];
      return { ok: false, message: `another ferry (pid ${owner}) is using ${dataDir}; wait for it or pass a different --data-dir`, holder: { pid: owner, ...(role ? { role } : {}) } };
    }
    const taken = await removeStaleLock(dataDir, lockPath, seen);
    // Someone else is taking this stale lock over right now: give them a moment.
    if (!taken) await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
  return { ok: false, message: `could not lock ${dataDir} (${lockPath} keeps changing)` };
}

/** Creates `file` holding `content`, complete from the first moment; false if it exists. */
async function createComplete(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, { flag: 'wx', mode: 0o600 });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Deletes the lock if it still holds `stale`, under that content's takeover marker. Returns
 * false when another live process holds the marker (it is doing the same thing).
 */
async function removeStaleLock(dataDir: string, lockPath: string, stale: string): Promise<boolean> {
  const generation = createHash('sha256').update(stale).digest('hex').slice(0, 16);
  const mine = `${process.pid}`;
  for (let k = 0; ; k++) {
    const marker = path.join(dataDir, `${MARKER_PREFIX}${generation}-${k}`);
    if (!(await createComplete(marker, mine))) {
      const holder = ownerPid((await readFile(marker, 'utf8').catch(() => '')) || '');
      // A marker with a live holder: it is theirs. A vanished one: the takeover is over.
      if (holder === null || isProcessAlive(holder)) return false;
      continue; // its holder died mid-takeover: the next number decides
    }
    try {
      const now = await readFile(lockPath, 'utf8').catch(() => null);
      if (now === stale) await unlink(lockPath).catch(ignoreMissing);
      // Markers of replaced generations are garbage now that `stale` can never come back.
      if (now === stale || now === null) await removeMarkers(dataDir, generation);
      return true;
    } finally {
      await rm(marker, { force: true });
    }
  }
}

async function removeMarkers(dataDir: string, generation: string): Promise<void> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  // Only the markers themselves: another process's temp file for its marker is its own business.
  const isMarker = (name: string) => name.startsWith(`${MARKER_PREFIX}${generation}-`) && /-\d+$/.test(name);
  await Promise.all(names.filter(isMarker).map((name) => rm(path.join(dataDir, name), { force: true })));
}

async function releaseIfOurs(lockPath: string, content: string): Promise<void> {
  // Nobody replaces a live owner's lock, so what we read here is still there when we unlink.
  if ((await readFile(lockPath, 'utf8').catch(() => null)) === content) await unlink(lockPath).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

/** The pid at the start of a lock or marker file (older Ferry versions wrote the pid alone). */
function ownerPid(content: string): number | null {
  const pid = Number(content.trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

