// What the stream tests share: an engine with the real download worker over a temp folder, nginx
// serving the ffmpeg fixtures (once with no types, so manifests are found by their bytes, once
// with the HLS/DASH types), and reading nginx's access log per path.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TransferView } from '../shared/transfer';
import { makeTempDir, removeDir } from './files';
import { startNginx, type NginxServer } from './nginx';
import { StreamFixtures } from './stream-fixtures';
import { TransferEngine, type EngineSettings } from '../electron/engine/engine';
import { createDownloadWorker } from '../electron/engine/download/download-worker';
import type { DownloadRequest } from '../electron/engine/types';

export const TYPED = 'types { application/vnd.apple.mpegurl m3u8; application/dash+xml mpd; video/mp2t ts; }';

export class StreamTestKit {
  readonly fixtures = new StreamFixtures();
  plain!: NginxServer;
  typed!: NginxServer;
  tmp!: string;
  dir!: string;
  engine!: TransferEngine;

  async startServers(nginxOptions: { limitRate?: string; sendChunk?: string } = {}): Promise<void> {
    const root = await this.fixtures.root();
    this.plain = await startNginx({ root, ...nginxOptions, extraLocationConfig: 'log_not_found off;' });
    this.typed = await startNginx({ root, extraLocationConfig: TYPED });
  }

  async stopServers(): Promise<void> {
    await this.plain?.stop();
    await this.typed?.stop();
    await this.fixtures.remove();
  }

  /** `connections`: the worker's default count (16 unless given). */
  async openEngine(o: { ffmpeg?: string | null; settings?: Partial<EngineSettings>; fresh?: boolean; connections?: number } = {}): Promise<TransferEngine> {
    if (o.fresh !== false) {
      this.tmp = await makeTempDir('ferry-stream-');
      this.dir = path.join(this.tmp, 'downloads');
      await mkdir(this.dir);
    }
    this.engine = await TransferEngine.open({
      dataDir: path.join(this.tmp, 'data'),
      workers: {
        download: createDownloadWorker({
          checkpointIntervalMs: 200,
          ...(o.ffmpeg !== undefined ? { ffmpeg: o.ffmpeg } : {}),
          ...(o.connections !== undefined ? { connections: o.connections } : {}),
        }),
      },
      settings: { stallTimeoutMs: 5000, retryBaseMs: 50, retryMaxMs: 300, ...o.settings },
    });
    return this.engine;
  }

  async closeEngine(remove = true): Promise<void> {
    await this.engine?.close();
    if (remove) await removeDir(this.tmp);
  }

  async download(req: Partial<DownloadRequest> & { url: string }): Promise<TransferView> {
    const view = await this.engine.addDownload({ directory: this.dir, ...req });
    const [done] = await this.engine.waitUntilFinished([view.id]);
    return done!;
  }

  /** What is in the download folder (work folders and .part files would show here). */
  files(): Promise<string[]> {
    return readdir(this.dir).then((names) => names.sort());
  }
}

/** Requests nginx logged (the default "combined" format), from line `since` on (see logLines). */
export async function accessLog(server: NginxServer, since = 0): Promise<{ path: string; status: number; bytes: number; range: boolean }[]> {
  const text = await readFile(server.accessLog, 'utf8').catch(() => '');
  const rows: { path: string; status: number; bytes: number; range: boolean }[] = [];
  for (const line of text.split('\n').slice(since)) {
    const m = /"[A-Z]+ (\S+) HTTP\/[\d.]+" (\d{3}) (\d+)/.exec(line);
    if (m) rows.push({ path: m[1]!, status: Number(m[2]), bytes: Number(m[3]), range: m[2] === '206' });
  }
  return rows;
}

/** Lines in the access log so far: pass to accessLog to see only what came after. */
export async function logLines(server: NginxServer): Promise<number> {
  const text = await readFile(server.accessLog, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

export function errorOf(view: TransferView): string {
  return `${view.state}: ${view.error?.message ?? ''} | log: ${view.log.map((l) => l.message).join(' / ')}`;
}
