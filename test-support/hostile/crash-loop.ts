// Crash loops: SIGKILL `ferry get` / `ferry put --tus` at random moments, rerun the same command
// each time, then check the outcome byte for byte and how much the server had to send again.
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { startFerry, type FerryResult } from '../ferry-process';
import { startFaultProxy } from '../fault-proxy';
import { sha256File, writeRandomFile } from '../files';
import { startNginx } from '../nginx';
import { startTusServer } from '../upload-servers';
import { bytesLost } from './compare';
import type { HostileRow } from './report';
import { connectionArgs, MiB, SCALE } from './settings';

export interface LoopContext {
  /** A fresh folder for this loop, removed by the runner. */
  work: string;
  random: () => number;
  /** Environment for every ferry child (a shared temp HOME, so the CLI bundle is built once). */
  env: NodeJS.ProcessEnv;
}

const RESENT_TARGET = 1.3;
/**
 * Seconds of transfer per planned kill. A kill loses at most the bytes since the last durable
 * checkpoint (about 1 s of transfer), so re-sent ≈ 1 + kills × rate × 1 s / size = 1 + 1/SECONDS_PER_KILL
 * at worst, plus what sat in socket buffers: 6 keeps that under the 1.3x target with room.
 */
const SECONDS_PER_KILL = 6;

export function loopSize(): { bytes: number; kills: number } {
  return { bytes: Math.min(256, 32 * SCALE) * MiB, kills: Math.min(20, 5 * SCALE) };
}

/** Runs `args` until it exits or `ms` pass; then SIGKILL. Returns the exit when it ended by itself. */
async function runUntilKilled(args: string[], env: NodeJS.ProcessEnv, ms: number): Promise<FerryResult | 'killed'> {
  const child = startFerry(args, { env });
  const timer = setTimeout(() => child.process.kill('SIGKILL'), ms);
  const result = await child.result;
  clearTimeout(timer);
  return result.signal === 'SIGKILL' ? 'killed' : result;
}

async function runToEnd(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<FerryResult> {
  const child = startFerry(args, { env });
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  const result = await child.result;
  clearTimeout(timer);
  return result;
}

/** Kill moments spread over roughly the first two thirds of the transfer, never the same twice. */
function killDelayMs(ctx: LoopContext, plannedSeconds: number, kills: number): number {
  return 150 + Math.floor(ctx.random() * ((plannedSeconds * 1000) / kills));
}

export async function crashLoopGet(ctx: LoopContext, connections: number): Promise<HostileRow> {
  const { bytes, kills } = loopSize();
  const seconds = SECONDS_PER_KILL * kills;
  // nginx's limit_rate is per connection: split the rate so the planned time is the same for any count.
  const rate = Math.max(1, Math.floor(bytes / seconds / connections));
  const nginx = await startNginx({ limitRate: rate });
  const proxy = await startFaultProxy({ port: nginx.port });
  const name = `crash-${connections}.bin`;
  const original = path.join(nginx.root, name);
  const out = path.join(ctx.work, 'out');
  const row: HostileRow = {
    name: `SIGKILL ferry get, ${bytes / MiB} MiB at ${(rate / MiB).toFixed(1)} MiB/s, ${connections} conn`,
    tried: 0,
    survived: 0,
    transfers: 1,
    bytesLost: 0,
    resent: null,
    resentTarget: RESENT_TARGET,
  };
  try {
    await writeRandomFile(original, bytes);
    await mkdir(out, { recursive: true });
    const args = ['get', proxy.url(`/${name}`), '--dir', out, '--data-dir', path.join(ctx.work, 'data'), '-q', ...connectionArgs(connections)];
    const final = await killThenFinish(args, ctx, seconds, kills, row);
    const target = path.join(out, name);
    const leftovers = (await readdir(out)).filter((f) => f !== name);
    row.bytesLost = await bytesLost(original, target);
    row.resent = proxy.serverBytesSent() / bytes;
    const ok = final.code === 0 && row.bytesLost === 0 && leftovers.length === 0;
    row.survived = ok ? 1 : 0;
    if (!ok) row.note = `exit ${final.code}; ${final.stderr.trim().slice(0, 120)}${leftovers.length ? `; left: ${leftovers.join(', ')}` : ''}`;
    else if (row.resent > RESENT_TARGET) row.note = `server sent ${row.resent.toFixed(2)}x the file`;
    return row;
  } finally {
    await proxy.close();
    await nginx.stop();
  }
}

/**
 * Runs the same command `kills` times, killing it at a random moment each time (counted in
 * row.tried), then once more to the end; a run that ends before its kill is the final one.
 */
async function killThenFinish(args: string[], ctx: LoopContext, seconds: number, kills: number, row: HostileRow): Promise<FerryResult> {
  for (let i = 0; i < kills; i++) {
    const ended = await runUntilKilled(args, ctx.env, killDelayMs(ctx, seconds, kills));
    if (ended !== 'killed') return ended;
    row.tried++;
  }
  return runToEnd(args, ctx.env, seconds * 4000 + 60_000);
}

export async function crashLoopTusPut(ctx: LoopContext): Promise<HostileRow> {
  const { bytes } = loopSize();
  const kills = Math.min(10, 5 * SCALE);
  const seconds = SECONDS_PER_KILL * kills;
  const rate = Math.max(1, Math.floor(bytes / seconds));
  const tus = await startTusServer();
  const source = path.join(ctx.work, 'source.bin');
  const row: HostileRow = {
    name: `SIGKILL ferry put --tus, ${bytes / MiB} MiB at ${(rate / MiB).toFixed(1)} MiB/s`,
    tried: 0,
    survived: 0,
    transfers: 1,
    bytesLost: 0,
    resent: null,
    resentTarget: RESENT_TARGET,
  };
  try {
    const sourceHash = await writeRandomFile(source, bytes);
    const before = await stat(source);
    const args = ['put', source, tus.endpoint, '--tus', '--limit', String(rate), '--data-dir', path.join(ctx.work, 'data'), '-q'];
    const final = await killThenFinish(args, ctx, seconds, kills, row);
    const files = await tus.uploadedFiles();
    const after = existsSync(source) ? await stat(source) : undefined;
    const sourceUntouched =
      after !== undefined && after.mtimeMs === before.mtimeMs && after.mode === before.mode && (await sha256File(source)) === sourceHash;
    // One upload on the server whole and identical. A kill between the server creating an upload and
    // Ferry recording its URL leaves a second, abandoned one (tus creation is not idempotent): noted.
    const losses = await Promise.all(files.map((f) => bytesLost(source, f)));
    row.bytesLost = files.length === 0 ? bytes : Math.min(...losses);
    row.resent = tus.bytesReceived() / bytes;
    const ok = final.code === 0 && row.bytesLost === 0 && sourceUntouched;
    row.survived = ok ? 1 : 0;
    const abandoned = files.length > 1 ? `${files.length - 1} abandoned upload(s) on the server (killed between creation and recording its URL)` : '';
    if (!ok) {
      row.note = `exit ${final.code}; ${files.length} uploads on the server; source ${sourceUntouched ? 'untouched' : 'CHANGED'}; ${final.stderr.trim().slice(0, 100)}`;
    } else if (row.resent > RESENT_TARGET) row.note = `server received ${row.resent.toFixed(2)}x the file`;
    if (abandoned) row.note = row.note ? `${row.note}; ${abandoned}` : abandoned;
    return row;
  } finally {
    await tus.close();
  }
}
