// What the numbers were measured on: a ratio means little without the machine and its load,
// and this machine is shared, so the load is read at the start and at the end of the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { BENCH_DIR } from './fixtures';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  tools: string;
  fileSystem: string;
  loadAtStart: string;
}

function firstLine(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  // nginx -v writes to stderr.
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() || `${command}: not found`;
}

export function loadText(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function describeMachine(): Machine {
  // A fresh clone has no .bench/ yet, and df cannot name the file system of a missing folder.
  mkdirSync(BENCH_DIR, { recursive: true });
  const df = spawnSync('df', ['-T', BENCH_DIR], { encoding: 'utf8' }).stdout?.split('\n')[1]?.split(/\s+/)[1];
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    tools: [firstLine('/usr/sbin/nginx', ['-v']), firstLine('curl', ['--version']).split(' ').slice(0, 2).join(' '), firstLine('aria2c', ['--version']), firstLine('axel', ['--version'])].join(', '),
    fileSystem: df ?? 'unknown',
    loadAtStart: loadText(),
  };
}
