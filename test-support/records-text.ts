// Every file of a records folder as text, temp files included, for tests that check a secret never
// reaches the disk. The engine's writer renames temp files into place at any moment: a file renamed
// away between the listing and the read is read again under its new name by a second pass.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export async function recordsText(folder: string): Promise<string> {
  const read = (name: string) => readFile(path.join(folder, name), 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error)));
  const pass = async () => Promise.all((await readdir(folder).catch(() => [] as string[])).map(read));
  const first = await pass();
  const again = await pass();
  return [...first, ...again].join('\n');
}
