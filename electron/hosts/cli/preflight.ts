// Checks that need the disk, done before the engine opens so that a usage error (exit 2)
// never leaves anything half-started.
import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';

export type Preflight = { ok: true } | { ok: false; message: string };

/** Every upload source must be an existing, readable regular file. */
export async function checkUploadSources(sources: readonly string[]): Promise<Preflight> {
  for (const source of sources) {
    const problem = await sourceProblem(source);
    if (problem) return { ok: false, message: `${source}: ${problem}` };
  }
  return { ok: true };
}

async function sourceProblem(source: string): Promise<string | null> {
  let info;
  try {
    info = await stat(source);
  } catch (error) {
    return describeFsError(error, 'no such file');
  }
  if (info.isDirectory()) return 'is a directory, not a file';
  if (!info.isFile()) return 'is not a regular file';
  try {
    // Opening read-only (rather than access(R_OK)) also catches what root's access() misses.
    const handle = await open(source, constants.O_RDONLY);
    await handle.close();
  } catch (error) {
    return describeFsError(error, 'cannot be read');
  }
  return null;
}

/** The download folder is created when missing; it must not be a file. */
export async function ensureDirectory(directory: string, label: string): Promise<Preflight> {
  try {
    const info = await stat(directory);
    return info.isDirectory() ? { ok: true } : { ok: false, message: `${label} ${directory} is not a folder` };
  } catch {
    try {
      await mkdir(directory, { recursive: true });
      return { ok: true };
    } catch (error) {
      return { ok: false, message: `${label} ${directory}: ${describeFsError(error, 'cannot be created')}` };
    }
  }
}

function describeFsError(error: unknown, fallback: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a parent is not a folder';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return fallback;
}
