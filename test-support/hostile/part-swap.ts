// Someone who can write to the download folder replaces a download's .part while it is paused,
// or while `ferry get` is dead after a SIGKILL: with a symbolic link to a file of the user's
// (think ~/.ssh/authorized_keys), a hard link to it, or a file of their own. Resuming must leave
// that file exactly as it was (bytes and mtime) and still end with a regular file holding the
// server's bytes. The swap moment is random (seeded); 1 and 16 connections.
import { link, lstat, mkdir, readdir, readFile, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDownloadWorker } from '../../electron/engine/download/download-worker';
import { TransferEngine } from '../../electron/engine/engine';
import { startFerry, waitFor } from '../ferry-process';
import { randomBytes } from '../files';
import { startTestServer, type TestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import type { HostileRow } from './report';
import { CONNECTION_COUNTS, connectionArgs } from './settings';

type Swap = 'symlink' | 'hard link' | 'other file';
const SWAPS: readonly Swap[] = ['symlink', 'hard link', 'other file'];
const SIZE = 3 * 1024 * 1024;
const VICTIM = Buffer.from('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 the user’s key, not Ferry’s\n'.repeat(500));
const VICTIM_MTIME = new Date('2021-03-04T05:06:07Z');

interface Case {
  what: string;
  /** Bytes of the user's file that changed, plus bytes of the finished download that are wrong. */
  lost: number;
  problem?: string;
}

async function plantVictim(work: string, n: number): Promise<string> {
  const victim = path.join(work, `victim-${n}.txt`);
  await writeFile(victim, VICTIM);
  await utimes(victim, VICTIM_MTIME, VICTIM_MTIME);
  return victim;
}

async function swapPart(partPath: string, swap: Swap, victim: string): Promise<void> {
  const size = (await stat(partPath)).size;
  await unlink(partPath);
  if (swap === 'symlink') await symlink(victim, partPath);
  else if (swap === 'hard link') await link(victim, partPath);
  else await writeFile(partPath, Buffer.alloc(size, 0x41)); // often under the inode number just freed
}

/** What the case left: the user's file as it was, a regular file with the server's bytes. */
async function judge(what: string, victim: string, finalPath: string | undefined, body: Buffer, ended: string): Promise<Case> {
  const victimNow = await readFile(victim).catch(() => Buffer.alloc(0));
  let lost = 0;
  for (let i = 0; i < VICTIM.length; i++) if (victimNow[i] !== VICTIM[i]) lost++;
  lost += Math.max(0, victimNow.length - VICTIM.length);
  const problems: string[] = [];
  if (lost > 0) problems.push(`the user's file changed (${lost} bytes)`);
  else if ((await stat(victim)).mtimeMs !== VICTIM_MTIME.getTime()) problems.push("the user's file was written (mtime)");
  const facts = finalPath ? await lstat(finalPath).catch(() => undefined) : undefined;
  if (!facts) problems.push(`no finished file (${ended})`);
  else if (!facts.isFile()) problems.push('the finished download is not a regular file');
  else {
    const got = await readFile(finalPath!);
    let wrong = Math.abs(got.length - body.length);
    for (let i = 0; i < Math.min(got.length, body.length); i++) if (got[i] !== body[i]) wrong++;
    if (wrong > 0) problems.push(`the finished download has ${wrong} wrong bytes`);
    lost += wrong;
  }
  return { what, lost, ...(problems.length ? { problem: problems.join(', ') } : {}) };
}

/** Paused in an in-process engine at a random moment, swapped, resumed. */
async function pausedCase(ctx: LoopContext, server: TestServer, swap: Swap, connections: number, n: number): Promise<Case> {
  const what = `paused, ${swap}, ${connections} conn`;
  const body = randomBytes(SIZE, 900 + n);
  const route = `/paused-${n}.bin`;
  server.route(route, { body, rateBytesPerSec: Math.floor((2 * 1024 * 1024) / connections) });
  const dir = path.join(ctx.work, `paused-${n}`);
  await mkdir(dir);
  const victim = await plantVictim(ctx.work, n);
  const engine = await TransferEngine.open({
    dataDir: path.join(ctx.work, `data-${n}`),
    workers: { download: createDownloadWorker({ checkpointIntervalMs: 100, minSplitBytes: 128 * 1024 }) },
    settings: { stallTimeoutMs: 3000, retryBaseMs: 100, retryMaxMs: 500 },
  });
  try {
    const view = await engine.addDownload({ url: server.url(route), directory: dir, connections });
    const at = Math.floor(SIZE * (0.1 + 0.6 * ctx.random()));
    await waitFor(async () => (engine.get(view.id)?.progress.bytesDone ?? 0) >= at || engine.get(view.id)?.state === 'completed', 30_000, 'bytes on disk');
    await engine.pause(view.id);
    if (engine.get(view.id)?.state !== 'paused') return { what, lost: 0, problem: 'finished before the pause (not tried)' };
    await swapPart(path.join(dir, `paused-${n}.bin.part`), swap, victim);
    server.route(route, { body });
    await engine.resume(view.id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([engine.waitUntilFinished([view.id]), new Promise((r) => (timer = setTimeout(r, 60_000)))]);
    clearTimeout(timer);
    const done = engine.get(view.id)!;
    return await judge(what, victim, done.state === 'completed' ? done.download?.filePath : undefined, body, `${done.state} ${done.error?.message ?? ''}`);
  } finally {
    await engine.close();
  }
}

/** `ferry get` SIGKILLed once its .part holds bytes, swapped, run again to the end. */
async function killedCase(ctx: LoopContext, server: TestServer, swap: Swap, connections: number, n: number): Promise<Case> {
  const what = `SIGKILL ferry get, ${swap}, ${connections} conn`;
  const body = randomBytes(SIZE, 900 + n);
  const name = `killed-${n}.bin`;
  server.route(`/${name}`, { body, rateBytesPerSec: Math.floor((1024 * 1024) / connections) });
  const dir = path.join(ctx.work, `killed-${n}`);
  await mkdir(dir);
  const victim = await plantVictim(ctx.work, n);
  const partPath = path.join(dir, `${name}.part`);
  const args = ['get', server.url(`/${name}`), '--dir', dir, '--data-dir', path.join(ctx.work, `cli-data-${n}`), '-q', ...connectionArgs(connections)];
  const first = startFerry(args, { env: ctx.env });
  const extraMs = Math.floor(200 + 800 * ctx.random());
  await waitFor(async () => ((await stat(partPath).catch(() => undefined))?.size ?? 0) > 0 || first.process.exitCode !== null, 60_000, '.part');
  await new Promise((r) => setTimeout(r, extraMs));
  first.process.kill('SIGKILL');
  await first.result;
  if (!(await readdir(dir)).includes(`${name}.part`)) return { what, lost: 0, problem: 'finished before the kill (not tried)' };
  await swapPart(partPath, swap, victim);
  server.route(`/${name}`, { body });
  const again = startFerry(args, { env: ctx.env });
  const timer = setTimeout(() => again.process.kill('SIGKILL'), 90_000);
  const result = await again.result;
  clearTimeout(timer);
  return judge(what, victim, result.code === 0 ? path.join(dir, name) : undefined, body, `exit ${result.code}: ${result.stderr.trim().slice(0, 80)}`);
}

export async function partSwap(ctx: LoopContext): Promise<HostileRow[]> {
  const server = await startTestServer();
  const paused: Case[] = [];
  const killed: Case[] = [];
  let n = 0;
  try {
    for (const connections of CONNECTION_COUNTS) {
      for (const swap of SWAPS) paused.push(await pausedCase(ctx, server, swap, connections, n++));
      for (const swap of ['symlink', 'hard link'] as const) killed.push(await killedCase(ctx, server, swap, connections, n++));
    }
  } finally {
    await server.close();
  }
  const row = (name: string, cases: Case[]): HostileRow => {
    const failed = cases.filter((c) => c.problem);
    return {
      name,
      tried: cases.length,
      survived: cases.length - failed.length,
      transfers: cases.length,
      bytesLost: cases.reduce((sum, c) => sum + c.lost, 0),
      resent: null,
      ...(failed.length ? { note: failed.map((c) => `${c.what}: ${c.problem}`).join('; ').slice(0, 240) } : {}),
    };
  };
  return [
    row(`.part swapped while paused (${SWAPS.join(', ')}; ${CONNECTION_COUNTS.join(' and ')} conn)`, paused),
    row('.part swapped after SIGKILL of ferry get (symlink, hard link)', killed),
  ];
}
