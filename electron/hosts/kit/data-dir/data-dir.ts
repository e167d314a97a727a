// Where Ferry keeps records and resume data when --data-dir is not given: the per-user data
// folder each OS expects.
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  // One variable moves every host (CLI, headless, desktop) to another folder: portable setups, tests.
  if (env.FERRY_DATA_DIR) return path.resolve(env.FERRY_DATA_DIR);
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Ferry');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Ferry');
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share'), 'ferry');
}
