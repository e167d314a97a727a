// The real actions behind "when the queue finishes", for the hosts. The command runs without a
// shell: what the user typed is split into words by shell-quote (quotes and backslashes as a shell
// reads them), shell operators such as | ; > are refused, and the finished files are appended as
// arguments, one each, so a name with spaces or quotes arrives as one argument and is never code.
// Sleep and shut down call the OS: they cannot be tried on a build machine, so no test runs them
// (the countdown before them is tested on the manual clock with these injected).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parse } from 'shell-quote';
import type { QueueFinishActions } from './queue-finish';

/** The command's words, or what is wrong with it in words. */
export function commandWords(command: string): { ok: true; words: string[] } | { ok: false; error: string } {
  const entries = parse(command, (name) => `$${name}`);
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      const op = 'op' in entry ? entry.op : 'comment' in entry ? '#' : '?';
      return { ok: false, error: `the command runs without a shell, so "${op}" cannot be used (run a script instead)` };
    }
    words.push(entry);
  }
  if (words.length === 0) return { ok: false, error: 'the command is empty' };
  return { ok: true, words };
}

/** Starts the command with the files as its last arguments; resolves once it started (it runs on alone). */
export function runFinishCommand(command: string, files: string[]): Promise<void> {
  const parsed = commandWords(command);
  if (!parsed.ok) return Promise.reject(new Error(parsed.error));
  const [program, ...args] = parsed.words as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args, ...files], { stdio: 'ignore', detached: true, shell: false, windowsHide: true });
    child.once('error', (error) => reject(new Error(`${program} could not start: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

function osCommand(kind: 'sleep' | 'shutdown'): [string, string[]] {
  if (process.platform === 'win32') return kind === 'sleep' ? ['rundll32.exe', ['powrprof.dll,SetSuspendState', '0,1,0']] : ['shutdown', ['/s', '/t', '0']];
  if (process.platform === 'darwin') return kind === 'sleep' ? ['pmset', ['sleepnow']] : ['osascript', ['-e', 'tell app "System Events" to shut down']];
  return ['systemctl', [kind === 'sleep' ? 'suspend' : 'poweroff']];
}

function runOs(kind: 'sleep' | 'shutdown'): Promise<void> {
  const [program, args] = osCommand(kind);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'ignore', shell: false, windowsHide: true });
    child.once('error', (error) => reject(new Error(`${program}: ${error.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')} exited with ${code}`))));
  });
}

export function hostFinishActions(host: { notify(message: string): void; openFolder(folder: string): void | Promise<void> }): QueueFinishActions {
  return {
    notify: (files) => host.notify(files.length === 1 ? `Queue finished: ${path.basename(files[0]!)}` : `Queue finished: ${files.length} transfers done`),
    openFolder: (files) => (files.length > 0 ? host.openFolder(path.dirname(files.at(-1)!)) : undefined),
    runCommand: runFinishCommand,
    sleep: () => runOs('sleep'),
    shutdown: () => runOs('shutdown'),
  };
}
