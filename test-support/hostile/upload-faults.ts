// Network faults on the way up: the fault proxy between the real engine's tus uploads and
// @tus/server cuts or resets request bodies part-way. The upload must finish byte-identical, from
// the server's offset, without re-sending much.
import path from 'node:path';
import { createDownloadWorker } from '../../electron/engine/download/download-worker';
import { TransferEngine } from '../../electron/engine/engine';
import { createUploadWorker } from '../../electron/engine/upload/upload-worker';
import { startFaultProxy, type Fault } from '../fault-proxy';
import { sha256File, writeRandomFile } from '../files';
import { startTusServer } from '../upload-servers';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';
import { MiB } from './settings';

export async function uploadFaults(ctx: LoopContext): Promise<HostileRow> {
  const size = 8 * MiB;
  const tus = await startTusServer();
  // Connection k meets fault k: bodies cut (FIN or RST) at random points, the rest pass.
  const script: Fault[] = [1, 2, 3].map((k) => ({
    kind: 'cut',
    direction: 'up',
    reset: k % 2 === 0,
    afterBytes: Math.floor(ctx.random() * 2 * MiB) + 4096,
  }));
  const proxy = await startFaultProxy({ port: tus.port, script });
  const row: HostileRow = { name: 'proxy: tus upload bodies cut/reset part-way (3 connections)', tried: 3, survived: 0, transfers: 1, bytesLost: 0, resent: null, resentTarget: 1.3 };
  const dataDir = path.join(ctx.work, 'data');
  const engine = await TransferEngine.open({
    dataDir,
    workers: { download: createDownloadWorker(), upload: createUploadWorker({ dataDir, tusChunkSize: 2 * MiB }) },
    settings: { stallTimeoutMs: 3000, retryBaseMs: 200, retryMaxMs: 1000 },
  });
  try {
    const source = path.join(ctx.work, 'up.bin');
    const hash = await writeRandomFile(source, size);
    const added = await engine.addUpload({ sourcePath: source, url: proxy.url('/files/'), protocol: 'tus' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([engine.waitUntilFinished([added.id]), new Promise((r) => (timer = setTimeout(r, 60_000)))]);
    clearTimeout(timer);
    const view = engine.get(added.id)!;
    const files = await tus.uploadedFiles();
    const identical = files.length === 1 && (await sha256File(files[0]!)) === hash;
    row.resent = proxy.clientBytesSent() / size;
    if (view.state === 'completed' && identical) row.survived = 1;
    else {
      row.note = `${view.state} ${view.error?.message ?? ''}; ${files.length} uploads, identical ${identical}`;
      if (view.state === 'completed') row.bytesLost = size;
    }
    return row;
  } finally {
    await engine.close();
    await proxy.close();
    await tus.close();
  }
}
