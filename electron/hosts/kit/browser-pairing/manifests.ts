// Installs Ferry's native-messaging host for the user's browsers, so that Ferry's extension finds
// Ferry (endpoint and secret) without copy-paste. Per user, rewritten at every start (the paths
// inside change when Ferry moves), and for every supported browser whether or not its profile
// folder exists yet: a browser installed (or first started) after Ferry must find the host
// without a restart of Ferry. Where each browser looks is its documented per-user location:
// Chromium's `<user data dir>/NativeMessagingHosts/` on Linux and macOS and `HKCU\Software\<vendor
// path>\NativeMessagingHosts\<name>` on Windows; Firefox's `~/.mozilla/native-messaging-hosts/`,
// `~/Library/Application Support/Mozilla/NativeMessagingHosts/` and `HKCU\Software\Mozilla\…`.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from './extension-ids';

export interface LaunchCommand {
  command: string;
  args: string[];
}

export interface InstallOptions {
  home: string;
  platform: NodeJS.Platform;
  dataDir: string;
  /** Runs the host: node and the host script, or a packaged app with a flag. */
  host: LaunchCommand;
  /** How the host starts Ferry when it is not running (the desktop app in the tray); none for servers. */
  launch?: LaunchCommand;
}

export interface BrowserTarget {
  browser: string;
  /** Linux and macOS: the folder the browser reads host manifests from ('' on Windows). */
  manifestDir: string;
  kind: 'chromium' | 'firefox';
  /** Windows: the registry key naming the manifest. */
  registryKey?: string;
}

export function browserTargets(home: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): BrowserTarget[] {
  const chromium = (browser: string, userDataDir: string): BrowserTarget => ({ browser, manifestDir: path.join(userDataDir, 'NativeMessagingHosts'), kind: 'chromium' });
  if (platform === 'darwin') {
    const support = path.join(home, 'Library', 'Application Support');
    return [
      chromium('Chromium', path.join(support, 'Chromium')),
      chromium('Google Chrome', path.join(support, 'Google', 'Chrome')),
      chromium('Microsoft Edge', path.join(support, 'Microsoft Edge')),
      chromium('Brave', path.join(support, 'BraveSoftware', 'Brave-Browser')),
      chromium('Vivaldi', path.join(support, 'Vivaldi')),
      { browser: 'Firefox', manifestDir: path.join(support, 'Mozilla', 'NativeMessagingHosts'), kind: 'firefox' },
    ];
  }
  if (platform === 'win32') {
    const key = (vendorPath: string) => `HKCU\\Software\\${vendorPath}\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`;
    return [
      { browser: 'Google Chrome', manifestDir: '', kind: 'chromium', registryKey: key('Google\\Chrome') },
      { browser: 'Chromium', manifestDir: '', kind: 'chromium', registryKey: key('Chromium') },
      { browser: 'Microsoft Edge', manifestDir: '', kind: 'chromium', registryKey: key('Microsoft\\Edge') },
      { browser: 'Brave', manifestDir: '', kind: 'chromium', registryKey: key('BraveSoftware\\Brave-Browser') },
      { browser: 'Vivaldi', manifestDir: '', kind: 'chromium', registryKey: key('Vivaldi') },
      { browser: 'Firefox', manifestDir: '', kind: 'firefox', registryKey: key('Mozilla') },
    ];
  }
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return [
    chromium('Chromium', path.join(config, 'chromium')),
    chromium('Google Chrome', path.join(config, 'google-chrome')),
    chromium('Microsoft Edge', path.join(config, 'microsoft-edge')),
    chromium('Brave', path.join(config, 'BraveSoftware', 'Brave-Browser')),
    chromium('Vivaldi', path.join(config, 'vivaldi')),
    { browser: 'Firefox', manifestDir: path.join(home, '.mozilla', 'native-messaging-hosts'), kind: 'firefox' },
  ];
}

export function hostManifest(kind: 'chromium' | 'firefox', executable: string): Record<string, unknown> {
  const common = { name: NATIVE_HOST_NAME, description: 'Ferry: tells Ferry\'s browser extension where Ferry answers', path: executable, type: 'stdio' };
  return kind === 'chromium'
    ? { ...common, allowed_origins: [`chrome-extension://${CHROMIUM_EXTENSION_ID}/`] }
    : { ...common, allowed_extensions: [FIREFOX_EXTENSION_ID] };
}

/** Returns the manifests written: one per browser (Linux, macOS), one per kind of browser (Windows). */
export async function installNativeHost(options: InstallOptions, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const ownDir = path.join(options.dataDir, 'native-host');
  await mkdir(ownDir, { recursive: true, mode: 0o700 });
  const executable = await writeLauncherScript(ownDir, options);
  // Only the desktop app knows how to start itself; a server host leaves its launch command alone.
  if (options.launch) await writeAtomically(path.join(ownDir, 'launch.json'), JSON.stringify(options.launch));
  const written = new Set<string>();
  for (const target of browserTargets(options.home, options.platform, env)) {
    const manifest = JSON.stringify(hostManifest(target.kind, executable), null, 2);
    if (options.platform === 'win32') {
      const file = path.join(ownDir, `${NATIVE_HOST_NAME}.${target.kind}.json`);
      await writeAtomically(file, manifest);
      // Windows finds manifests through the registry, not a folder.
      spawnSync('reg', ['add', target.registryKey!, '/ve', '/t', 'REG_SZ', '/d', file, '/f'], { stdio: 'ignore' });
      written.add(file);
    } else {
      await mkdir(target.manifestDir, { recursive: true });
      const file = path.join(target.manifestDir, `${NATIVE_HOST_NAME}.json`);
      await writeAtomically(file, manifest);
      written.add(file);
    }
  }
  return [...written];
}

/**
 * Browsers start the host with a bare environment (no PATH to a version-managed node, no
 * FERRY_DATA_DIR), so a small script pins both.
 */
async function writeLauncherScript(ownDir: string, options: InstallOptions): Promise<string> {
  if (options.platform === 'win32') {
    const file = path.join(ownDir, 'ferry-native-host.cmd');
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    await writeAtomically(file, `@echo off\r\nset "FERRY_DATA_DIR=${options.dataDir}"\r\n${[options.host.command, ...options.host.args].map(quote).join(' ')} %*\r\n`);
    return file;
  }
  const file = path.join(ownDir, 'ferry-native-host.sh');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    '#!/bin/sh',
    '# Ferry\'s native messaging host for its browser extension; rewritten by Ferry at every start.',
    `FERRY_DATA_DIR=${quote(options.dataDir)}`,
    'export FERRY_DATA_DIR',
    `exec ${[options.host.command, ...options.host.args].map(quote).join(' ')} "$@"`,
    '',
  ].join('\n');
  await writeAtomically(file, script);
  await chmod(file, 0o700);
  return file;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}
