// A data folder holding thousands of paused downloads, as Ferry saved them, without paying an fsync
// per record: one record is made by the real engine, the others are copies of its file with their
// own id, URL and place in the queue. For tests and benchmarks of a host that opens with 10,000.
//
//   await writePausedRecords(dataDir, 10_000, (i) => `http://127.0.0.1:9/f${i}.bin`);
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openEngine } from '../electron/engine/index';

export async function writePausedRecords(dataDir: string, count: number, urlOf: (index: number) => string): Promise<void> {
  const engine = await openEngine({ dataDir, settings: {} });
  const template = urlOf(0);
  const [view] = await engine.addDownloads([{ url: template, directory: dataDir, paused: true }]);
  await engine.close();
  const folder = path.join(dataDir, 'transfers');
  const text = await readFile(path.join(folder, `${view!.id}.json`), 'utf8');
  const record = JSON.parse(text) as { order: number };
  const name = path.posix.basename(new URL(template).pathname);
  for (let start = 1; start < count; start += 500) {
    const writes: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const id = `many-${i.toString(36).padStart(6, '0')}`;
      const url = urlOf(i);
      const copy = text
        .replaceAll(view!.id, id)
        .replaceAll(template, url)
        .replaceAll(`"${name}"`, `"${path.posix.basename(new URL(url).pathname)}"`)
        .replace(`"order":${record.order}`, `"order":${record.order + i}`);
      writes.push(writeFile(path.join(folder, `${id}.json`), copy, { mode: 0o600 }));
    }
    await Promise.all(writes);
  }
  if ((await readdir(folder)).filter((f) => f.endsWith('.json')).length !== count) throw new Error(`expected ${count} records in ${folder}`);
}
