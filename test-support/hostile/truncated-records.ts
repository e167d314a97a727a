// Records cut short at every byte offset (a disk that lost the tail of a write, a copy that stopped):
// the engine must open, set the bad record aside with a notice, and keep every other transfer.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDownloadWorker } from '../../electron/engine/download/download-worker';
import { TransferEngine } from '../../electron/engine/engine';
import { randomBytes } from '../files';
import { startTestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';

const open = (dataDir: string) =>
  TransferEngine.open({ dataDir, resumeOnStart: false, workers: { download: createDownloadWorker() } });

/** Two real records: one paused half-way (validators, .part, segments), one completed. */
async function realRecords(work: string): Promise<{ dir: string; halfId: string; doneId: string }> {
  const server = await startTestServer();
  const dataDir = path.join(work, 'source-data');
  const out = path.join(work, 'out');
  await mkdir(out, { recursive: true });
  try {
    server.route('/half.bin', { body: randomBytes(400_000, 5), stallAfterBytes: 200_000 });
    server.route('/done.bin', { body: randomBytes(50_000, 6) });
    const engine = await open(dataDir);
    const done = await engine.addDownload({ url: server.url('/done.bin'), directory: out });
    const half = await engine.addDownload({ url: server.url('/half.bin'), directory: out });
    await engine.waitUntilFinished([done.id]);
    for (let i = 0; i < 100 && (engine.get(half.id)?.progress.bytesDone ?? 0) < 200_000; i++) await new Promise((r) => setTimeout(r, 50));
    await engine.pause(half.id);
    await engine.close();
    return { dir: path.join(dataDir, 'transfers'), halfId: half.id, doneId: done.id };
  } finally {
    await server.close();
  }
}

export async function truncatedRecords(ctx: LoopContext): Promise<HostileRow> {
  const { dir, halfId, doneId } = await realRecords(ctx.work);
  const row: HostileRow = { name: 'record file truncated at every byte offset', tried: 0, survived: 0, transfers: 0, bytesLost: 0, resent: null };
  const failures: string[] = [];
  for (const [victim, keeper] of [
    [halfId, doneId],
    [doneId, halfId],
  ] as const) {
    const text = await readFile(path.join(dir, `${victim}.json`));
    for (let cut = 0; cut < text.length; cut++) {
      row.tried++;
      row.transfers++;
      const dataDir = path.join(ctx.work, 'trial');
      const transfers = path.join(dataDir, 'transfers');
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(transfers, { recursive: true });
      await copyFile(path.join(dir, `${keeper}.json`), path.join(transfers, `${keeper}.json`));
      await writeFile(path.join(transfers, `${victim}.json`), text.subarray(0, cut));
      try {
        const engine = await open(dataDir);
        const ids = engine.list().map((v) => v.id);
        const problems = engine.startupProblems.length;
        await engine.close();
        const setAside = (await readdir(transfers)).some((f) => f.startsWith(`${victim}.json.corrupt-`));
        if (ids.includes(keeper) && !ids.includes(victim) && problems === 1 && setAside) row.survived++;
        else failures.push(`cut at ${cut}: loaded ${ids.length}, ${problems} problems, set aside ${setAside}`);
      } catch (err) {
        failures.push(`cut at ${cut}: engine did not open: ${(err as Error).message}`);
      }
    }
  }
  if (failures.length > 0) row.note = `${failures.length} cuts: ${failures[0]}`;
  return row;
}
