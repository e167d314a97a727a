// The command lines being compared. ferry runs exactly as a user would start it (bin/ferry.js,
// so its start-up is part of its time), with --quiet so no progress output is drawn.
import path from 'node:path';

const FERRY_BIN = path.resolve(import.meta.dirname, '..', 'bin', 'ferry.js');

export interface CommandLine {
  command: string;
  args: string[];
}

/** bin/ferry.js rebuilds its bundle (dist-cli/) after source edits; do that outside the stopwatch. */
export function ferryWarmUp(): CommandLine {
  return { command: process.execPath, args: [FERRY_BIN, '--version'] };
}

export function ferryGet(url: string, dir: string, dataDir: string): CommandLine {
  return { command: process.execPath, args: [FERRY_BIN, 'get', url, '--dir', dir, '--data-dir', dataDir, '--quiet'] };
}

export function ferryPut(file: string, url: string, dataDir: string): CommandLine {
  return { command: process.execPath, args: [FERRY_BIN, 'put', file, url, '--data-dir', dataDir, '--quiet'] };
}

export function curlGet(url: string, outFile: string): CommandLine {
  return { command: 'curl', args: ['--silent', '--show-error', '--fail', '--output', outFile, url] };
}

export function curlPut(file: string, url: string): CommandLine {
  return { command: 'curl', args: ['--silent', '--show-error', '--fail', '--output', '/dev/null', '--upload-file', file, url] };
}

const NODE_BASELINE = path.resolve(import.meta.dirname, 'node-baseline.mjs');
const NODE_BASELINE_PUT = path.resolve(import.meta.dirname, 'node-baseline-put.mjs');

/** Upload reference: Node streaming the file with http.request, no staging. */
export function nodeBaselinePut(file: string, url: string): CommandLine {
  return { command: process.execPath, args: [NODE_BASELINE_PUT, file, url] };
}

/**
 * Upload reference: what staging costs native tools. `cp` (copy_file_range, a reflink where the
 * file system can) into `stagedPath`, then `curl -T` of the copy, then the copy is removed.
 */
export function stagedCurlPut(file: string, stagedPath: string, url: string): CommandLine {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    command: 'sh',
    args: ['-c', `cp --reflink=auto ${q(file)} ${q(stagedPath)} && curl --silent --show-error --fail --output /dev/null --upload-file ${q(stagedPath)} ${q(url)}; status=$?; rm -f ${q(stagedPath)}; exit $status`],
  };
}

export function nodeBaselineGet(url: string, outFile: string): CommandLine {
  return { command: process.execPath, args: [NODE_BASELINE, url, outFile] };
}

export function aria2Get(url: string, dir: string, name: string): CommandLine {
  return {
    command: 'aria2c',
    args: ['-x1', '-s1', '--file-allocation=none', '--allow-overwrite=true', '--console-log-level=warn', '--summary-interval=0', '--download-result=hide', '-d', dir, '-o', name, url],
  };
}

/** Debian's axel with 16 connections: a second segmented peer beside aria2c. */
export function axelGet(url: string, outFile: string, connections = 16): CommandLine {
  return { command: 'axel', args: ['-n', String(connections), '-q', '-o', outFile, url] };
}

/** aria2c as download managers are usually told to run: 16 connections, 1 MiB pieces. */
export function aria2Get16(url: string, dir: string, name: string): CommandLine {
  return {
    command: 'aria2c',
    args: ['-x16', '-s16', '-k1M', '--file-allocation=none', '--allow-overwrite=true', '--console-log-level=warn', '--summary-interval=0', '--download-result=hide', '-d', dir, '-o', name, url],
  };
}
