// Disk full, for real: downloads and upload staging on a 16 MiB tmpfs (mount needs root; skipped
// visibly otherwise). Each must fail with a clear "disk full" naming the folder, keep every byte it
// wrote, leave the other transfer alone, and finish on Retry once the tmpfs is remounted bigger.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TransferView } from '../../shared/transfer';
import { createDownloadWorker } from '../../electron/engine/download/download-worker';
import { TransferEngine } from '../../electron/engine/engine';
import { durableBytes } from '../../electron/engine/records';
import type { TransferRecord } from '../../electron/engine/types';
import { createUploadWorker } from '../../electron/engine/upload/upload-worker';
import { startFaultProxy } from '../fault-proxy';
import { randomBytes, sha256, sha256File } from '../files';
import { startNginx } from '../nginx';
import { startTusServer } from '../upload-servers';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';
import { MiB } from './settings';

const run = promisify(execFile);

async function withTmpfs<T>(dir: string, fn: (grow: () => Promise<void>) => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]);
  try {
    return await fn(async () => void (await run('mount', ['-o', 'remount,size=96m', dir])));
  } finally {
    await run('umount', ['-l', dir]).catch(() => undefined);
  }
}

async function finished(engine: TransferEngine, id: string, timeoutMs = 60_000): Promise<TransferView> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([engine.waitUntilFinished([id]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  return engine.get(id)!;
}

function skipped(name: string, reason: string): HostileRow {
  return { name, tried: 0, survived: 0, transfers: 0, bytesLost: 0, resent: null, skipped: reason };
}

export async function diskFull(ctx: LoopContext): Promise<HostileRow[]> {
  const names = [
    'disk full: download on a 16 MiB tmpfs, Retry after remount',
    'disk full: upload staging on a 16 MiB tmpfs (refused up front), again after remount',
    'disk full: upload staging fills the tmpfs mid-copy, Retry after remount',
  ];
  if (process.getuid?.() !== 0) {
    const reason = 'not root, cannot mount a tmpfs';
    process.stderr.write(`hostile: disk full skipped: ${reason}\n`);
    return names.map((n) => skipped(n, reason));
  }
  return [
    await downloadOnFullDisk(ctx, names[0]!),
    await stagingOnFullDisk(ctx, names[1]!, 'real'),
    // The space check told there is plenty (it cannot foresee other writers): the copy itself hits ENOSPC.
    await stagingOnFullDisk(ctx, names[2]!, 'plenty'),
  ];
}

async function downloadOnFullDisk(ctx: LoopContext, name: string): Promise<HostileRow> {
  const size = 32 * MiB;
  const nginx = await startNginx();
  const proxy = await startFaultProxy({ port: nginx.port });
  const small = path.join(ctx.work, 'full-disk');
  const roomy = path.join(ctx.work, 'roomy');
  await mkdir(roomy, { recursive: true });
  // Re-sent is shown, not judged: what was in flight when the disk filled depends on socket buffers.
  const row: HostileRow = { name, tried: 1, survived: 0, transfers: 2, bytesLost: 0, resent: null };
  const problems: string[] = [];
  try {
    const big = randomBytes(size, 31);
    const other = randomBytes(8 * MiB, 32);
    await writeFile(path.join(nginx.root, 'big.bin'), big);
    await writeFile(path.join(nginx.root, 'other.bin'), other);
    await withTmpfs(small, async (grow) => {
      const engine = await TransferEngine.open({
        dataDir: path.join(ctx.work, 'data'),
        workers: { download: createDownloadWorker({ checkpointIntervalMs: 100 }) },
        settings: { retryBaseMs: 100 },
      });
      try {
        const a = await engine.addDownload({ url: proxy.url('/big.bin'), directory: small });
        const b = await engine.addDownload({ url: proxy.url('/other.bin'), directory: roomy });
        const failedView = await finished(engine, a.id);
        const otherView = await finished(engine, b.id);
        const message = failedView.error?.message ?? '';
        // The words must match what the user can do: a failed transfer is retried, not resumed.
        if (failedView.state !== 'failed' || !/disk full/i.test(message) || !message.includes(small) || !/retry/i.test(message)) {
          problems.push(`ended ${failedView.state}: "${message}"`);
        }
        // Every byte written is kept: the .part holds at least what the record calls durable, all true.
        const part = (await readdir(small)).find((f) => f.endsWith('.part'));
        const kept = part ? await readFile(path.join(small, part)) : Buffer.alloc(0);
        const record = JSON.parse(await readFile(path.join(ctx.work, 'data', 'transfers', `${a.id}.json`), 'utf8')) as TransferRecord;
        const durable = durableBytes(record.resume);
        // One connection: a prefix. Several: each range's recorded bytes at its offset (the rest of
        // the preallocated .part is holes, not data).
        const ranges = record.resume.kind === 'download' ? record.resume.segments : [{ start: 0, end: null, done: durable }];
        const keptBytes = ranges.reduce((sum, r) => sum + Math.max(0, Math.min(r.done, kept.length - r.start)), 0);
        if (keptBytes < durable) problems.push(`.part holds ${keptBytes} < ${durable} recorded as durable`);
        if (failedView.progress.bytesDone > durable) problems.push(`shows ${failedView.progress.bytesDone} bytes done, ${durable} recorded as durable`);
        for (const r of ranges) {
          if (!kept.subarray(r.start, r.start + r.done).equals(big.subarray(r.start, r.start + r.done))) problems.push(`.part bytes differ from the file in the range at ${r.start}`);
        }
        if (otherView.state !== 'completed' || sha256(await readFile(otherView.download!.filePath!)) !== sha256(other)) {
          problems.push(`the other transfer ended ${otherView.state}`);
        } else row.survived++;
        const sentBefore = proxy.serverBytesSent();
        await grow();
        await engine.retry(a.id);
        const retried = await finished(engine, a.id);
        const file = retried.download?.filePath;
        if (retried.state === 'completed' && file && (await sha256File(file)) === sha256(big)) {
          if (problems.length === 0) row.survived++;
        }
        else {
          problems.push(`after Retry: ${retried.state} ${retried.error?.message ?? ''}`);
          row.bytesLost = size;
        }
        // What the server sent in all, counting the other file out (its bytes went to the roomy disk).
        row.resent = (sentBefore - other.length + (proxy.serverBytesSent() - sentBefore)) / size;
        row.note = `${problems.length ? `${problems.join('; ')}; ` : ''}said: "${message.slice(0, 120)}"`;
      } finally {
        await engine.close();
      }
    });
    return row;
  } finally {
    await proxy.close();
    await nginx.stop();
  }
}

async function stagingOnFullDisk(ctx: LoopContext, name: string, spaceCheck: 'real' | 'plenty'): Promise<HostileRow> {
  const size = 24 * MiB;
  const tus = await startTusServer();
  const dataDir = path.join(ctx.work, `small-data-${spaceCheck}`);
  const source = path.join(ctx.work, `source-${spaceCheck}.bin`);
  const row: HostileRow = { name, tried: 1, survived: 0, transfers: 1, bytesLost: 0, resent: null };
  const problems: string[] = [];
  try {
    await writeFile(source, randomBytes(size, 33));
    const sourceHash = await sha256File(source);
    const before = await stat(source);
    await withTmpfs(dataDir, async (grow) => {
      const engine = await TransferEngine.open({
        dataDir,
        workers: {
          download: createDownloadWorker(),
          upload: createUploadWorker({ dataDir, ...(spaceCheck === 'plenty' ? { freeBytes: async () => 2 ** 40 } : {}) }),
        },
        settings: { retryBaseMs: 100 },
      });
      try {
        // Too little room for the copy plus margin is refused before anything is written (staging-area.ts);
        // a disk that fills up during the copy fails the transfer instead. Either must say so and name the folder.
        const add = () => engine.addUpload({ sourcePath: source, url: tus.endpoint, protocol: 'tus' });
        let view: TransferView | undefined;
        let message = '';
        try {
          view = await add();
          const failedView = await finished(engine, view.id);
          message = failedView.error?.message ?? '';
          if (failedView.state !== 'failed') problems.push(`ended ${failedView.state}`);
        } catch (err) {
          message = (err as Error).message;
        }
        if (!/disk full/i.test(message) || !message.includes(dataDir)) problems.push(`said: "${message}"`);
        const leftovers = await readdir(path.join(dataDir, 'staging-area')).catch(() => []);
        if (!view && leftovers.length > 0) problems.push(`refused, yet left ${leftovers.join(', ')} in staging`);
        await grow();
        if (view) await engine.retry(view.id);
        else view = await add();
        {
          const retried = await finished(engine, view.id);
          const files = await tus.uploadedFiles();
          const uploaded = files.length === 1 && (await sha256File(files[0]!)) === sourceHash;
          if (retried.state !== 'completed' || !uploaded) problems.push(`after Retry: ${retried.state} ${retried.error?.message ?? ''}`);
          row.note = `said: "${message.slice(0, 120)}"`;
        }
      } finally {
        await engine.close();
      }
    });
    const after = await stat(source);
    if (after.mtimeMs !== before.mtimeMs || (await sha256File(source)) !== sourceHash) problems.push('the source changed');
    if (problems.length === 0) row.survived = 1;
    else row.note = problems.join('; ');
    return row;
  } finally {
    await tus.close();
  }
}
