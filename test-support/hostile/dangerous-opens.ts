// A server names its file so that opening it would run something (Chromium's dangerous types,
// disk images, .rdp, a second extension after a harmless one, trailing dots): after the download,
// "Open" in the desktop app must ask in the native dialog first, and a Cancel must leave the file
// unopened. A harmless file opens without a question, so the row cannot pass by asking about all.
import type { Dialog, MessageBoxOptions } from 'electron';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { openDownloadedFile } from '../../electron/app/open-downloaded-file';
import { randomBytes } from '../files';
import { startTestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import { downloadOnce } from './engine-kit';
import type { HostileRow } from './report';

const WOULD_RUN = [
  'connect.rdp', 'disk.iso', 'disk.img', 'disk.vhd', 'disk.vhdx', 'addin.xll', 'console.msc', 'explorer.scf', 'find.search-ms',
  'app.dmg', 'Invoice.PDF.exe', 'setup.exe.', 'SETUP.MSI', 'notes.txt.lnk', 'run.hta', 'photo.jpg.scr', 'shortcut.url',
  'script.ps1', 'install.sh', 'mount.desktop', 'profile.mobileconfig',
];
const HARMLESS = ['report.pdf', 'backup.tar.gz'];

export async function dangerousOpens(ctx: LoopContext): Promise<HostileRow> {
  const server = await startTestServer();
  const failures: string[] = [];
  try {
    for (const [i, name] of [...WOULD_RUN, ...HARMLESS].entries()) {
      server.route(`/d${i}`, { body: randomBytes(2000, i + 1), headers: { 'content-disposition': `attachment; filename="${name}"` } });
      const outcome = await downloadOnce(ctx.work, server.url(`/d${i}`), 15_000);
      const file = outcome.view.download?.filePath;
      if (outcome.view.state !== 'completed' || !file) {
        failures.push(`${name}: ${outcome.view.state}`);
        continue;
      }
      await chmod(file, 0o644); // judged by its name alone, not by an execute bit
      const asked: string[] = [];
      const opened: string[] = [];
      await openDownloadedFile(file, {
        shell: { openPath: async (f: string) => (opened.push(f), '') },
        dialog: { showMessageBox: (async (options: MessageBoxOptions) => (asked.push(options.message), { response: 1, checkboxChecked: false })) as Dialog['showMessageBox'] },
        platform: 'linux',
      });
      const mustAsk = WOULD_RUN.includes(name);
      if (mustAsk && (asked.length !== 1 || opened.length > 0)) failures.push(`${name} (saved as ${path.basename(file)}): ${opened.length ? 'opened' : 'not asked'} without a question`);
      if (!mustAsk && (asked.length > 0 || opened.length !== 1)) failures.push(`${name}: asked about a harmless file`);
    }
  } finally {
    await server.close();
  }
  return {
    name: 'server-named files that would run: asked before opening',
    tried: WOULD_RUN.length + HARMLESS.length,
    survived: failures.length === 0 ? 1 : 0,
    transfers: 1,
    bytesLost: 0,
    resent: null,
    ...(failures.length ? { note: `${failures.length}: ${failures.slice(0, 2).join('; ').slice(0, 200)}` } : {}),
  };
}
