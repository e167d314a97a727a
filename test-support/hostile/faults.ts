// Network faults from the fault proxy between the real engine and nginx: each must end with the
// file byte-identical, re-sending little. One row per fault; `tries` downloads each.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startFaultProxy, type FaultScript } from '../fault-proxy';
import { randomBytes } from '../files';
import { startNginx } from '../nginx';
import type { LoopContext } from './crash-loop';
import { downloadOnce, wrongBytes } from './engine-kit';
import type { HostileRow } from './report';
import { MiB, SCALE } from './settings';

interface FaultCase {
  name: string;
  script: (size: number, random: () => number) => FaultScript;
  /** Done before the download starts (refusing connections). */
  before?: (proxy: Awaited<ReturnType<typeof startFaultProxy>>) => void;
  resentTarget: number;
}

const CASES: FaultCase[] = [
  {
    name: 'cut after N bytes (3 connections in a row)',
    script: (size, random) => [0, 1, 2].map(() => ({ kind: 'cut' as const, afterBytes: Math.floor(random() * size * 0.3) + 1000 })),
    resentTarget: 1.3,
  },
  {
    name: 'TCP reset after N bytes (3 connections)',
    script: (size, random) => [0, 1, 2].map(() => ({ kind: 'cut' as const, reset: true, afterBytes: Math.floor(random() * size * 0.3) + 1000 })),
    resentTarget: 1.3,
  },
  { name: 'reset in the middle of the headers (3 connections)', script: () => [0, 1, 2].map(() => ({ kind: 'reset-in-headers' as const })), resentTarget: 1.3 },
  { name: 'reset on connect (3 connections)', script: () => [0, 1, 2].map(() => ({ kind: 'reset-on-connect' as const })), resentTarget: 1.3 },
  { name: 'stall after N bytes (stall detection, then resume)', script: (size) => [{ kind: 'stall', afterBytes: Math.floor(size / 3) }], resentTarget: 1.3 },
  { name: 'trickle (512 KiB/s) on the first connection', script: () => [{ kind: 'trickle', bytesPerSec: 512 * 1024 }], resentTarget: 1.3 },
  { name: 'connections refused for 1.5 s', script: () => [], before: (proxy) => void proxy.refuseFor(1500), resentTarget: 1.3 },
];

export async function networkFaults(ctx: LoopContext): Promise<HostileRow[]> {
  const size = 2 * MiB;
  const tries = 2 * SCALE;
  const nginx = await startNginx();
  const rows: HostileRow[] = [];
  try {
    const body = randomBytes(size);
    await writeFile(path.join(nginx.root, 'f.bin'), body);
    for (const c of CASES) {
      const row: HostileRow = { name: `proxy: ${c.name}`, tried: 0, survived: 0, transfers: 0, bytesLost: 0, resent: 0, resentTarget: c.resentTarget };
      let sent = 0;
      for (let i = 0; i < tries; i++) {
        const proxy = await startFaultProxy({ port: nginx.port, script: c.script(size, ctx.random) });
        try {
          c.before?.(proxy);
          const outcome = await downloadOnce(ctx.work, proxy.url('/f.bin'), 30_000);
          row.tried++;
          row.transfers++;
          sent += proxy.serverBytesSent();
          const lost = await wrongBytes(outcome, body);
          row.bytesLost += lost;
          if (outcome.view.state === 'completed' && lost === 0 && outcome.files.length === 1) row.survived++;
          else row.note = `${outcome.view.state}: ${outcome.view.error?.message ?? ''} (${outcome.files.length} files)`.slice(0, 140);
        } finally {
          await proxy.close();
        }
      }
      row.resent = sent / (size * tries);
      rows.push(row);
    }
    return rows;
  } finally {
    await nginx.stop();
  }
}
