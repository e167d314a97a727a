// "Start at login" on Linux, where Electron's setLoginItemSettings does nothing: an XDG
// autostart entry (~/.config/autostart/ferry.desktop) that starts Ferry hidden in the tray.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(configHome, 'autostart', 'ferry.desktop');
}

/** Quotes one Exec argument as the Desktop Entry spec asks. */
function execArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Ferry',
    'Comment=Download and upload manager',
    `Exec=${command.map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export async function setLinuxAutostart(enabled: boolean, command: string[], file = autostartFile()): Promise<void> {
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, autostartEntry(command), { mode: 0o644 });
}
