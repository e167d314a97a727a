// Test helper: runs the real `ferry` command (node bin/ferry.js) as a child process.
//
//   const result = await runFerry(['get', url, '--dir', dir]);   // { code, signal, stdout, stderr }
//   const child = startFerry([...]); ... child.kill('SIGKILL'); await child.result;
//   await runFerry(['get', '-i', '-'], { input: 'http://...\n' });  // text on its standard input
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const FERRY_BIN = path.resolve(import.meta.dirname, '..', 'bin', 'ferry.js');

export interface FerryResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface FerryChild {
  process: ChildProcess;
  result: Promise<FerryResult>;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Throws (with its output) if the process has already ended: for polling loops. */
  assertRunning(): void;
}

const running = new Set<ChildProcess>();

/** For afterEach: a test that failed half-way must not leave a ferry running. */
export async function stopStartedFerries(): Promise<void> {
  const exits = [...running].map((child) => new Promise((resolve) => child.once('close', resolve)));
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(exits);
}

export function startFerry(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): FerryChild {
  const child = spawn(process.execPath, [FERRY_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  running.add(child);
  child.once('close', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<FerryResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    process: child,
    result,
    stdout: () => stdout,
    stderr: () => stderr,
    assertRunning() {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`ferry ended early (${child.exitCode ?? child.signalCode}): ${stderr.trim() || stdout.trim()}`);
      }
    },
  };
}

export function runFerry(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<FerryResult> {
  const child = startFerry(args, options);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  return child.result.finally(() => clearTimeout(timer));
}

/** Polls until `check` returns a value (not undefined/null/false), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
