// Installs Ferry's native-messaging host for the user's browsers, so that Ferry's extension finds
// Ferry (endpoint and secret) without copy-paste. Per user, rewritten at every start (the paths
// inside change when Ferry moves), and only for browsers whose profile folder exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  /** Folder whose existence says the browser is installed for this user. */
  profileRoot: string;
  manifestDir: string;
  kind: 'chromium' | 'firefox';
  /** Windows: the registry key naming the manifest. */
  registryKey?: string;
}

export function browserTargets(home: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): BrowserTarget[] {
  const chromium = (browser: string, profileRoot: string, registryKey?: string): BrowserTarget => ({
    browser,
    profileRoot,
    manifestDir: platform === 'win32' ? '' : path.join(profileRoot, 'NativeMessagingHosts'),
    kind: 'chromium',
    registryKey,
  });
  if (platform === 'darwin') {
    const support = path.join(home, 'Library', 'Application Support');
    return [
      chromium('Chromium', path.join(support, 'Chromium')),
      chromium('Google Chrome', path.join(support, 'Google', 'Chrome')),
      chromium('Microsoft Edge', path.join(support, 'Microsoft Edge')),
      chromium('Brave', path.join(support, 'BraveSoftware', 'Brave-Browser')),
      { browser: 'Firefox', profileRoot: path.join(support, 'Firefox'), manifestDir: path.join(support, 'Mozilla', 'NativeMessagingHosts'), kind: 'firefox' },
    ];
  }
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
    const roaming = env.APPDATA ?? path.join(home, 'AppData', 'Roaming');
    return [
      chromium('Google Chrome', path.join(local, 'Google', 'Chrome'), `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`),
      chromium('Chromium', path.join(local, 'Chromium'), `HKCU\\Software\\Chromium\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`),
      chromium('Microsoft Edge', path.join(local, 'Microsoft', 'Edge'), `HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`),
      { browser: 'Firefox', profileRoot: path.join(roaming, 'Mozilla', 'Firefox'), manifestDir: '', kind: 'firefox', registryKey: `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}` },
    ];
  }
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return [
    chromium('Chromium', path.join(config, 'chromium')),
    chromium('Google Chrome', path.join(config, 'google-chrome')),
    chromium('Microsoft Edge', path.join(config, 'microsoft-edge')),
    chromium('Brave', path.join(config, 'BraveSoftware', 'Brave-Browser')),
    { browser: 'Firefox', profileRoot: path.join(home, '.mozilla', 'firefox'), manifestDir: path.join(home, '.mozilla', 'native-messaging-hosts'), kind: 'firefox' },
  ];
}

export function hostManifest(kind: 'chromium' | 'firefox', executable: string): Record<string, unknown> {
  const common = { name: NATIVE_HOST_NAME, description: 'Ferry: tells Ferry\'s browser extension where Ferry answers', path: executable, type: 'stdio' };
  return kind === 'chromium'
    ? { ...common, allowed_origins: [`chrome-extension://${CHROMIUM_EXTENSION_ID}/`] }
    : { ...common, allowed_extensions: [FIREFOX_EXTENSION_ID] };
}

/** Returns the manifests written, one per browser found. */
export async function installNativeHost(options: InstallOptions, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const ownDir = path.join(options.dataDir, 'native-host');
  await mkdir(ownDir, { recursive: true, mode: 0o700 });
  const executable = await writeLauncherScript(ownDir, options);
  // Only the desktop app knows how to start itself; a server host leaves its launch command alone.
  if (options.launch) await writeAtomically(path.join(ownDir, 'launch.json'), JSON.stringify(options.launch));
  const written: string[] = [];
  for (const target of browserTargets(options.home, options.platform, env)) {
    if (!existsSync(target.profileRoot)) continue;
    const manifest = JSON.stringify(hostManifest(target.kind, executable), null, 2);
    if (options.platform === 'win32') {
      const file = path.join(ownDir, `${NATIVE_HOST_NAME}.${target.kind}.json`);
      await writeAtomically(file, manifest);
      // Windows finds manifests through the registry, not a folder.
      spawnSync('reg', ['add', target.registryKey!, '/ve', '/t', 'REG_SZ', '/d', file, '/f'], { stdio: 'ignore' });
      written.push(file);
    } else {
      await mkdir(target.manifestDir, { recursive: true });
      const file = path.join(target.manifestDir, `${NATIVE_HOST_NAME}.json`);
      await writeAtomically(file, manifest);
      written.push(file);
    }
  }
  return written;
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
