// A tus server that acknowledges PATCHes without advancing Upload-Offset (@tus/server losing the
// body once something else reads the request first; see toolchain notes). Measured, not judged on
// speed (the engine's tus retry loop is being fixed elsewhere): it must never end as "completed",
// and the row shows how hard the client hammers it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';
import { startFerry } from '../ferry-process';
import { writeRandomFile } from '../files';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';
import { MiB } from './settings';

export async function tusLiar(ctx: LoopContext): Promise<HostileRow> {
  const size = 4 * MiB;
  const store = await mkdtemp(path.join(tmpdir(), 'ferry-tus-liar-'));
  const tus = new TusServer({ path: '/files', datastore: new FileStore({ directory: store }) });
  let patches = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'PATCH') {
      patches++;
      req.on('data', () => undefined); // the lie: tus never sees these bytes, answers 204 at the old offset
    }
    void tus.handle(req, res);
  });
  const sockets: import('node:net').Socket[] = [];
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const seconds = 10;
  try {
    const source = path.join(ctx.work, 'up.bin');
    await writeRandomFile(source, size);
    const child = startFerry(['put', source, `http://127.0.0.1:${port}/files/`, '--tus', '--data-dir', path.join(ctx.work, 'data'), '-q'], { env: ctx.env });
    const timer = setTimeout(() => child.process.kill('SIGKILL'), seconds * 1000);
    const started = Date.now();
    const result = await child.result;
    clearTimeout(timer);
    const elapsed = (Date.now() - started) / 1000;
    const received = sockets.reduce((sum, s) => sum + s.bytesRead, 0);
    const falseSuccess = result.code === 0;
    const stored = (await readdir(store)).filter((f) => !f.endsWith('.json')).length;
    const ended = result.signal === 'SIGKILL' ? `still trying after ${seconds} s (killed)` : `exit ${result.code} after ${elapsed.toFixed(1)} s`;
    return {
      name: 'tus server acknowledging without advancing (measured)',
      tried: patches,
      survived: falseSuccess ? 0 : 1,
      transfers: 1,
      bytesLost: 0,
      resent: received / size,
      note: `${ended}; ${patches} PATCHes (${(patches / elapsed).toFixed(1)}/s), ${stored} upload(s) on the server; ${result.stderr.trim().split('\n').pop()?.slice(0, 100) ?? ''}`,
    };
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(store, { recursive: true, force: true });
  }
}
