// A new user's machine, as far as one process tree can fake it: a clean `git clone` of this
// repository, HOME pointing at an empty folder (no Downloads, no config, no cache of ours) and
// README's install command. npm reads packages from the real npm cache (npm_config_cache), so
// the install works offline and in about a minute; nothing else of the real HOME leaks in.
//
//   const machine = await freshInstall();          // clone + `npm install`, returns paths and env
//   spawn('npx', ['ferry', 'serve'], { cwd: machine.clone, env: machine.env });
//   await machine.remove();
// The clone is of the committed HEAD: uncommitted edits are not part of what is tested.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FreshMachine {
  /** The empty home folder. */
  home: string;
  /** The clone, installed. */
  clone: string;
  /** The commit under test. */
  commit: string;
  /** Environment of a user of that home: no variables of ours, npm pointed at the shared cache. */
  env: NodeJS.ProcessEnv;
  /** What `npm install` printed. */
  installLog: string;
  remove(): Promise<void>;
}

/** The parent's environment minus everything that would not be on a fresh account. */
function userEnv(home: string, npmCache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|FERRY_|XDG_|ELECTRON_|INIT_CWD$|NODE_OPTIONS$)/i.test(key)) continue;
    env[key] = value;
  }
  // `npm test` puts this checkout's node_modules/.bin on PATH; a new user has no such thing.
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => !dir.includes(`node_modules${path.sep}.bin`)).join(path.delimiter);
  env.HOME = home;
  env.npm_config_cache = npmCache;
  // Offline machine: do not ask the registry what the cache already has.
  env.npm_config_prefer_offline = 'true';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

export async function freshInstall(): Promise<FreshMachine> {
  const top = await mkdtemp(path.join(tmpdir(), 'ferry-newuser-'));
  const home = path.join(top, 'home');
  const clone = path.join(top, 'ferry');
  await mkdir(home);
  const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
  const env = userEnv(home, npmCache);
  const installLog = await run('npm', ['install'], clone, env, 240_000);
  return { home, clone, commit, env, installLog, remove: () => rm(top, { recursive: true, force: true }) };
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${output}`));
    });
  });
}
