// Runs one benchmark command and measures it: wall time from spawn to exit, and the peak
// resident set size of the process (GNU time's %M, which covers the largest process of the
// tree; polling /proc/<pid>/status VmHWM where GNU time is missing).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { BENCH_DIR } from './fixtures';

export interface Measurement {
  seconds: number;
  /** Bytes; null when it could not be measured. */
  peakRss: number | null;
  /** User + system CPU seconds (GNU time); null without it. On a busy machine this is steadier than wall time. */
  cpuSeconds: number | null;
  exitCode: number | null;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const TIMEOUT_MS = 15 * 60_000;

export async function measure(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<Measurement> {
  const useGnuTime = existsSync(GNU_TIME);
  const rssFile = path.join(BENCH_DIR, `rss-${process.pid}-${Date.now()}.txt`);
  const [file, argv] = useGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  let polledHwm = 0;
  const poller = useGnuTime ? null : setInterval(() => void pollHwm(child.pid).then((kb) => (polledHwm = Math.max(polledHwm, kb))), 50);
  const timeout = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  const seconds = (performance.now() - started) / 1000;
  clearTimeout(timeout);
  if (poller) clearInterval(poller);
  let peakKb: number | null = polledHwm || null;
  let cpuSeconds: number | null = null;
  if (useGnuTime) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    await rm(rssFile, { force: true });
    // GNU time writes "Command exited with non-zero status N" before the values when it fails.
    const [kb, user, system] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
    peakKb = kb !== undefined && Number.isFinite(kb) && kb > 0 ? kb : null;
    cpuSeconds = user !== undefined && system !== undefined && Number.isFinite(user + system) ? user + system : null;
  }
  return { seconds, peakRss: peakKb === null ? null : peakKb * 1024, cpuSeconds, exitCode, stderr };
}

async function pollHwm(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) : 0;
}
