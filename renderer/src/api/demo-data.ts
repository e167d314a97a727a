// Believable made-up transfers for the demo API (`#demo`): screenshots, benchmarks, and
// development without a host.
import type { Destination, Settings } from '../../../shared/settings';
import { DEFAULT_SETTINGS } from '../../../shared/settings-defaults';
import type { TransferState, TransferView } from '../../../shared/transfer';

const FILES: Array<[string, string, number | null]> = [
  ['ubuntu-24.04.1-desktop-amd64.iso', 'https://releases.example.org/24.04/', 6_114_656_256],
  ['blender-4.2.3-linux-x64.tar.xz', 'https://download.example.org/blender/', 348_127_232],
  ['Quarterly report Q3.pdf', 'https://files.example.com/share/', 4_823_110],
  ['node-v22.11.0-linux-x64.tar.xz', 'https://nodejs.example.org/dist/v22.11.0/', 29_402_112],
  ['podcast-episode-142.mp3', 'https://cdn.example.fm/episodes/', 71_233_911],
  ['dataset-2024-10.parquet', 'https://data.example.net/exports/', 1_902_332_101],
  ['firmware-r7.bin', 'https://support.example.com/fw/', 16_777_216],
  ['holiday-photos.zip', 'https://drive.example.com/d/', 812_004_551],
  ['live-stream-recording.ts', 'https://video.example.tv/live/', null],
  ['libreoffice_24.8.2_Linux_x86-64_deb.tar.gz', 'https://mirror.example.org/tdf/', 219_882_004],
  ['world-map-4k.png', 'https://images.example.org/maps/', 24_411_092],
  ['backup-2024-11-20.tar.zst', 'https://nas.local.example/backups/', 9_800_112_440],
  ['android-studio-2024.2.1.tar.gz', 'https://dl.example.com/android/', 1_244_991_331],
  ['font-pack.woff2.zip', 'https://fonts.example.com/packs/', 3_120_331],
  ['scan_0042.tiff', 'https://scanner.example.lan/out/', 88_112_000],
];

const UPLOADS: Array<[string, number]> = [
  ['invoice-1187.pdf', 312_440],
  ['site-build.tar.gz', 48_331_004],
  ['screen-recording.webm', 212_004_221],
  ['notes.md', 8_213],
];

export const DEMO_DESTINATIONS: Destination[] = [
  {
    id: 'dest-1',
    name: 'Team WebDAV',
    url: 'https://dav.example.com/uploads/{filename}',
    method: 'PUT',
    protocol: 'raw',
    headers: [{ name: 'Authorization', value: '••••••••', secret: true }],
    fieldName: 'file',
    fields: {},
  },
  {
    id: 'dest-2',
    name: 'Media server (tus)',
    url: 'https://media.example.com/files/',
    method: 'POST',
    protocol: 'tus',
    headers: [],
    fieldName: 'file',
    fields: {},
  },
];

export const DEMO_SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  downloadDirectory: '/home/you/Downloads',
  // A busy demo shows more at once than the defaults would.
  maxActive: 16,
  maxPerHost: 4,
};

// Per file, computed once: 10,000 demo views are made before the first paint, so the fake
// host should not be what the benchmark measures.
const FILE_PARTS = FILES.map(([base, dir]) => {
  const dot = base.lastIndexOf('.');
  return { stem: dot > 0 ? base.slice(0, dot) : base, ext: dot > 0 ? base.slice(dot) : '', url: `${dir}${encodeURIComponent(base)}` };
});
const LOG_QUEUED = 'Queued';

export function demoDownload(i: number, state: TransferState, now: number): TransferView {
  const [base, , size] = FILES[i % FILES.length]!;
  const parts = FILE_PARTS[i % FILES.length]!;
  const name = i < FILES.length ? base : `${parts.stem} (${Math.floor(i / FILES.length)})${parts.ext}`;
  const total = size;
  const fraction = state === 'completed' ? 1 : state === 'queued' ? 0 : ((i * 37) % 90) / 100 + 0.05;
  const done = total === null ? Math.round(fraction * 400_000_000) : Math.round(total * fraction);
  const view: TransferView = {
    id: `d${i}`,
    kind: 'download',
    state,
    name,
    url: parts.url,
    createdAt: now - (100_000 - i) * 1000,
    progress: { bytesDone: done, totalBytes: total, speed: 0, etaSeconds: null },
    attempt: 1,
    validators: { etag: `"${i.toString(16)}a${(i * 7919) % 65521}"`, lastModified: 'Tue, 19 Nov 2024 08:12:44 GMT' },
    download: { directory: DEMO_SETTINGS.downloadDirectory, fileName: name, resumable: total !== null },
    log: [{ at: now - 5000, level: 'info', message: LOG_QUEUED }],
  };
  if (state === 'completed') view.download!.filePath = `${DEMO_SETTINGS.downloadDirectory}/${name}`;
  if (state !== 'queued') view.startedAt = now - 60_000;
  if (state === 'completed') view.finishedAt = now - 1000;
  if (i % 4 === 1) view.finalUrl = view.url.replace('https://', 'https://cdn-eu.') + '?sig=8f2c';
  if (state === 'failed') {
    const notFound = i % 2 === 0;
    view.error = notFound
      ? { code: 'HTTP_STATUS', status: 404, message: 'The server has no file at this address (HTTP 404 Not Found).', retryable: false }
      : { code: 'NETWORK', message: 'The connection was refused by the server.', retryable: true };
    view.log.push({ at: now - 2000, level: 'error', message: view.error.message });
    view.attempt = notFound ? 1 : 9;
  }
  return view;
}

export function demoUpload(i: number, state: TransferState, now: number): TransferView {
  const [name, size] = UPLOADS[i % UPLOADS.length]!;
  const dest = DEMO_DESTINATIONS[i % DEMO_DESTINATIONS.length]!;
  const fraction = state === 'completed' ? 1 : state === 'queued' ? 0 : 0.3;
  return {
    id: `u${i}`,
    kind: 'upload',
    state,
    name,
    url: dest.url.replace('{filename}', encodeURIComponent(name)),
    createdAt: now - (100_000 - i) * 1000,
    ...(state !== 'queued' ? { startedAt: now - 30_000 } : {}),
    progress: { bytesDone: Math.round(size * fraction), totalBytes: size, speed: 0, etaSeconds: null },
    attempt: 1,
    upload: {
      sourcePath: `/home/you/Documents/${name}`,
      protocol: dest.protocol,
      method: dest.method,
      destinationId: dest.id,
      destinationName: dest.name,
      staged: { path: `/home/you/.local/share/ferry/staging/${i}-${name}`, size, sourceMtimeMs: now - 86_400_000, sha256: 'a3f1c9e0b27d4c55e8a1f0c2d9b7e6a4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8', cloned: i % 2 === 0 },
      restartsOnResume: dest.protocol !== 'tus',
    },
    log: [{ at: now - 4000, level: 'info', message: `Staged a safe copy of ${name}` }],
  };
}

/** A mix of states like a real, busy queue: a few active at the top of the queue. */
export function demoTransfers(count: number, active: number, now = Date.now()): TransferView[] {
  const out: TransferView[] = [];
  for (let i = 0; i < count; i++) {
    let state: TransferState;
    if (i < active) state = 'active';
    else if (count <= 40) state = (['completed', 'queued', 'paused', 'failed', 'completed', 'queued', 'canceled'] as const)[i % 7]!;
    else state = i % 11 === 0 ? 'failed' : i % 5 === 0 ? 'paused' : i < count / 2 ? 'completed' : 'queued';
    out.push(i % 6 === 5 ? demoUpload(i, state, now) : demoDownload(i, state, now));
  }
  return out;
}
