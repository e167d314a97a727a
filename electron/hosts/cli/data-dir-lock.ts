// One ferry command per data folder at a time: two processes loading and saving the same
// records would overwrite each other's checkpoints. The lock is a file holding the owner's
// pid; a lock whose process is gone (SIGKILL, crash) is taken over.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export type LockResult = { ok: true; release(): Promise<void> } | { ok: false; message: string };

export async function lockDataDir(dataDir: string): Promise<LockResult> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'cli.lock');
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { ok: true, release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      return { ok: false, message: `another ferry (pid ${owner}) is using ${dataDir}; wait for it or pass a different --data-dir` };
    }
    await rm(lockPath, { force: true });
  }
  return { ok: false, message: `could not lock ${dataDir}` };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
