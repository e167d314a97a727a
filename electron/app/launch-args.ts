// What a launch asks for, from its command line: the first launch's own argv, or a second
// launch's argv handed over through 'second-instance'. URLs become downloads, existing files
// are offered for upload, `--hidden` starts in the tray. Chromium and Electron switches and the
// executable/app path are ignored.
import path from 'node:path';

export interface LaunchRequest {
  urls: string[];
  files: string[];
  hidden: boolean;
}

export function parseLaunchArgs(
  argv: readonly string[],
  cwd: string,
  isFile: (absolutePath: string) => boolean,
): LaunchRequest {
  const request: LaunchRequest = { urls: [], files: [], hidden: false };
  // argv[0] is the executable; in development argv[1] is the app folder (not a file, so skipped).
  for (const arg of argv.slice(1)) {
    if (arg === '--hidden') request.hidden = true;
    if (arg.startsWith('-')) continue;
    if (/^https?:\/\//i.test(arg)) {
      if (URL.canParse(arg)) request.urls.push(arg);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) continue; // other schemes: never ours to open
    const absolute = path.resolve(cwd, arg);
    if (isFile(absolute)) request.files.push(absolute);
  }
  return request;
}
