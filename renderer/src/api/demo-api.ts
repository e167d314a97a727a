// A fake, in-memory host (`#demo`, `#demo&count=10000&active=16`): transfers progress on a
// timer and every request works, so the UI can be developed, screenshotted and benchmarked
// without the engine. Patches are batched per tick like the real hosts do. `&desktop` plays the
// desktop app: native dialogs (canned answers) and handles instead of paths.
import type { ChosenFile, EventName, Events, FerryApi, Reply, ScheduleState, Snapshot, TransferPatch } from '../../../shared/contract';
import type { Destination, Settings } from '../../../shared/settings';
import { SECRET_MASK } from '../../../shared/secret-mask';
import type { TransferView } from '../../../shared/transfer';
import { isFinished } from '../../../shared/transfer';
import { parseInputFile, uriProblem, writeInputFile } from '../../../shared/input-file';
import { DEMO_DESTINATIONS, DEMO_SETTINGS, demoDownload, demoTransfers, demoUpload } from './demo-data';
import type { Transport } from './transport';

// Like the real hosts: the engine reports each transfer's progress up to 10×/s and the batcher
// sends at most 10 batches a second.
const TICK_MS = 100;

export interface DemoOptions {
  count: number;
  active: number;
  tickMs?: number;
  /** Behave like the desktop app: files and folders come from (canned) native dialogs. */
  desktop?: boolean;
}

const DEMO_CHOSEN: ChosenFile[] = [
  { handle: 'demo-chosen-1', name: 'holiday-2026.mp4', size: 734_003_200 },
  { handle: 'demo-chosen-2', name: 'notes.md', size: 4_210 },
];
const DEMO_PICKED_FOLDER = '/home/you/Projects/releases';
const DEMO_SECRET_FILE = '/home/you/.local/share/ferry/rpc-secret';

export function demoOptionsFromHash(hash: string): DemoOptions | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has('demo')) return null;
  const count = Number(params.get('count') ?? 24);
  const active = Number(params.get('active') ?? Math.min(count, count > 40 ? 16 : 4));
  const tickMs = Number(params.get('tick') ?? TICK_MS);
  return {
    count: Number.isFinite(count) ? count : 24,
    active: Number.isFinite(active) ? active : 4,
    tickMs: Number.isFinite(tickMs) && tickMs >= 16 ? tickMs : TICK_MS,
    ...(params.has('desktop') ? { desktop: true } : {}),
  };
}

const ok = <T,>(value: T): Promise<Reply<T>> => Promise.resolve({ ok: true, value });
const notFound = (what: string): Promise<Reply<never>> =>
  Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `No ${what} with that id.` } });

export function createDemoTransport(opts: DemoOptions): Transport & { stop(): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const transfers = new Map<string, TransferView>();
  for (const v of demoTransfers(opts.count, opts.active)) transfers.set(v.id, v);
  let settings: Settings = { ...DEMO_SETTINGS, maxActive: Math.max(DEMO_SETTINGS.maxActive, opts.active) };
  let destinations: Destination[] = DEMO_DESTINATIONS.map((d) => ({ ...d }));
  let queued: TransferPatch[] = [];
  let nextId = opts.count;
  const chosenNames = new Map(DEMO_CHOSEN.map((c) => [c.handle, c.name]));
  const tickMs = opts.tickMs ?? TICK_MS;

  const emit = <E extends EventName>(name: E, payload: Events[E]) => {
    for (const l of listeners.get(name) ?? []) l(payload);
  };
  const put = (v: TransferView) => {
    transfers.set(v.id, v);
    queued.push({ id: v.id, view: v });
  };
  const change = (id: string, f: (v: TransferView) => Partial<TransferView>) => {
    const v = transfers.get(id);
    if (v) put({ ...v, ...f(v) });
  };
  /** Queue order as the engine keeps it: by each view's key, listing order for ties. */
  const inQueueOrder = () => [...transfers.values()].map((v, i) => ({ v, i })).sort((a, b) => (a.v.queueOrder ?? a.i) - (b.v.queueOrder ?? b.i) || a.i - b.i).map(({ v }) => v);
  let schedule: ScheduleState = { queue: 'always', heldOpen: false, nextQueueStep: null, nextLimitStep: null, countdown: null };
  const snapshot = (): Snapshot => ({ transfers: inQueueOrder(), settings, destinations, schedule });

  function tick(): void {
    const now = Date.now();
    let running = 0;
    for (const v of transfers.values()) {
      if (v.state !== 'active') continue;
      running++;
      const speed = Math.round((v.kind === 'upload' ? 900_000 : 2_400_000) * (0.6 + 0.4 * Math.sin(now / 1700 + v.id.length + v.createdAt)));
      const total = v.progress.totalBytes;
      const step = (speed * tickMs) / 1000;
      const bytesDone = total === null ? v.progress.bytesDone + step : Math.min(total, v.progress.bytesDone + step);
      if (total !== null && bytesDone >= total) {
        put({ ...v, state: 'completed', finishedAt: now, progress: { bytesDone: total, totalBytes: total, speed: 0, etaSeconds: 0 }, log: [...v.log, { at: now, level: 'info', message: 'Completed' }] });
        running--;
        continue;
      }
      const progress = { bytesDone: Math.round(bytesDone), totalBytes: total, speed, etaSeconds: total === null ? null : Math.round((total - bytesDone) / speed) };
      transfers.set(v.id, { ...v, progress });
      queued.push({ id: v.id, progress });
    }
    // Start queued ones while there is room, like the engine's scheduler.
    for (const v of transfers.values()) {
      if (running >= settings.maxActive) break;
      if (v.state === 'queued') {
        put({ ...v, state: 'active', startedAt: now, log: [...v.log, { at: now, level: 'info', message: 'Started' }] });
        running++;
      }
    }
    if (queued.length > 0) {
      const batch = queued;
      queued = [];
      emit('patches', batch);
    }
  }

  const forIds = (ids: string[], f: (v: TransferView) => Partial<TransferView> | null) => {
    for (const id of ids) {
      const v = transfers.get(id);
      const next = v && f(v);
      if (v && next) put({ ...v, ...next });
    }
    return ok(undefined);
  };
  const stopped = { speed: 0, etaSeconds: null };
  const DEMO_VARIANTS = [
    { label: '1920x1080, 6.0 Mbit/s', width: 1920, height: 1080, bandwidth: 6_000_000 },
    { label: '1280x720, 3.0 Mbit/s', width: 1280, height: 720, bandwidth: 3_000_000 },
    { label: '640x360, 800 kbit/s', width: 640, height: 360, bandwidth: 800_000 },
  ];

  const api: FerryApi = {
    snapshot: () => ok(snapshot()),
    addDownloads(input) {
      const now = Date.now();
      const views = input.urls.map((url) => {
        const base = demoDownload(nextId, 'queued', now);
        const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'download');
        const own = { ...(input.bytesPerSecond ? { speedLimit: input.bytesPerSecond } : {}), ...(input.priority && input.priority !== 'normal' ? { priority: input.priority } : {}) };
        const v: TransferView = { ...base, ...own, id: `d${nextId++}`, name, url, createdAt: now, download: { ...base.download!, fileName: name, directory: input.directory ?? settings.downloadDirectory, ...(input.sha256 ? { sha256: input.sha256 } : {}) } };
        put(v);
        return v;
      });
      return ok(views);
    },
    addUploads(input) {
      const now = Date.now();
      const dest = destinations.find((d) => d.id === input.destinationId);
      if (!dest) return notFound('destination');
      const views = [...(input.paths ?? []), ...(input.handles ?? []).map((h) => chosenNames.get(h) ?? h)].map((path) => {
        const name = path.split(/[\\/]/).pop() || 'file';
        const base = demoUpload(nextId, 'queued', now);
        const v: TransferView = { ...base, id: `u${nextId++}`, name, url: dest.url.replace('{filename}', encodeURIComponent(name)), createdAt: now, upload: { ...base.upload!, sourcePath: path, destinationId: dest.id, destinationName: dest.name, protocol: dest.protocol, method: dest.method } };
        put(v);
        return v;
      });
      return ok(views);
    },
    // The demo has no network: an address that looks like a playlist or manifest offers three variants.
    describeStream({ url }) {
      const kind = /\.m3u8(?:$|[?#])/i.test(url) ? 'hls' : /\.mpd(?:$|[?#])/i.test(url) ? 'dash' : null;
      const variants = kind ? DEMO_VARIANTS : [];
      return ok({ kind, variants });
    },
    // Like the desktop app's window, the demo names no paths.
    addUploadsTo: () => Promise.resolve({ ok: false, error: { code: 'FORBIDDEN', message: 'Uploads to a URL are taken over Ferry’s local channel only.' } }),
    pause: ({ ids }) => forIds(ids, (v) => (isFinished(v.state) || v.state === 'paused' ? null : { state: 'paused', progress: { ...v.progress, ...stopped } })),
    resume: ({ ids }) => forIds(ids, (v) => (v.state === 'paused' ? { state: 'queued' } : null)),
    cancel: ({ ids }) => forIds(ids, (v) => (isFinished(v.state) ? null : { state: 'canceled', progress: { ...v.progress, ...stopped } })),
    retry: ({ ids }) => forIds(ids, (v) => (v.state === 'failed' || v.state === 'canceled' ? { state: 'queued', error: undefined, attempt: 1 } : null)),
    remove({ ids }) {
      for (const id of ids) if (transfers.delete(id)) queued.push({ id, removed: true });
      return ok(undefined);
    },
    pauseAll: () => forIds([...transfers.keys()], (v) => (v.state === 'active' || v.state === 'queued' ? { state: 'paused', progress: { ...v.progress, ...stopped } } : null)),
    resumeAll: () => forIds([...transfers.keys()], (v) => (v.state === 'paused' ? { state: 'queued' } : null)),
    reorder({ id, toIndex }) {
      const list = inQueueOrder();
      const moving = list.find((v) => v.id === id);
      if (!moving) return notFound('transfer');
      const others = list.filter((v) => v !== moving);
      others.splice(Math.min(toIndex, others.length), 0, moving);
      others.forEach((v, index) => {
        if (v.queueOrder !== index) put({ ...v, queueOrder: index });
      });
      return ok(undefined);
    },
    setTransferPriority: ({ id, priority }) => (transfers.has(id) ? (change(id, () => ({ priority: priority === 'normal' ? undefined : priority })), ok(undefined)) : notFound('transfer')),
    runQueueNow() {
      if (schedule.queue === 'closed') emit('schedule', (schedule = { ...schedule, queue: 'open', heldOpen: true }));
      return ok(schedule);
    },
    // The demo has no browser to hand anything over: no offer is ever made, so none can be answered.
    answerContinueOffer: () => notFound('offer'),
    cancelQueueAction() {
      const had = schedule.countdown !== null;
      if (had) emit('schedule', (schedule = { ...schedule, countdown: null }));
      return ok(had);
    },
    setTransferSpeedLimit: ({ id, bytesPerSecond }) => (transfers.has(id) ? (change(id, () => ({ speedLimit: bytesPerSecond })), ok(undefined)) : notFound('transfer')),
    setTransferProxy: ({ id, proxy }) => (transfers.has(id) ? (change(id, () => (proxy ? { proxy } : { proxy: undefined })), ok(undefined)) : notFound('transfer')),
    // The demo keeps one address per download: aria2's changeUri is the RPC's, not the window's.
    changeDownloadUrls: ({ id, add }) => (transfers.has(id) ? ok({ deleted: 0, added: add.length }) : notFound('transfer')),
    setDownloadAddress: ({ id, url, as }) =>
      transfers.has(id)
        ? (change(id, (v) => (as === 'address' ? { url, state: 'queued' } : { download: v.download ? { ...v.download, sources: [...(v.download.sources ?? [{ url: v.url, status: 'serving' as const }]), { url, status: 'waiting' as const }] } : undefined })), ok(undefined))
        : notFound('transfer'),
    getSettings: () => ok(settings),
    setSettings(patch) {
      settings = { ...settings, ...patch };
      emit('settings', settings);
      // The demo has no clock of its own for schedules: it says whether queue hours are set.
      if (patch.queueHours) emit('schedule', (schedule = { ...schedule, queue: patch.queueHours.enabled ? 'open' : 'always', heldOpen: false }));
      return ok(settings);
    },
    listDestinations: () => ok(destinations),
    createDestination(input) {
      const d: Destination = { ...input, id: `dest-${Date.now()}`, fieldName: input.fieldName ?? 'file', fields: input.fields ?? {}, headers: input.headers.map((h) => ({ ...h, value: h.secret ? SECRET_MASK : h.value })) };
      destinations = [...destinations, d];
      emit('destinations', destinations);
      return ok(d);
    },
    updateDestination({ id, destination }) {
      const old = destinations.find((d) => d.id === id);
      if (!old) return notFound('destination');
      const d: Destination = { ...old, ...destination, id, headers: destination.headers.map((h) => ({ ...h, value: h.secret ? SECRET_MASK : h.value })) } as Destination;
      destinations = destinations.map((x) => (x.id === id ? d : x));
      emit('destinations', destinations);
      return ok(d);
    },
    deleteDestination({ id }) {
      destinations = destinations.filter((d) => d.id !== id);
      emit('destinations', destinations);
      return ok(undefined);
    },
    openFile: ({ id }) => (transfers.has(id) ? ok(undefined) : notFound('transfer')),
    showInFolder: ({ id }) => (transfers.has(id) ? ok(undefined) : notFound('transfer')),
    // Without `&desktop`, like the headless host: the page's own file input and folder field serve.
    chooseUploadFiles: () => ok(opts.desktop ? DEMO_CHOSEN : []),
    chooseDownloadFolder: () => ok(opts.desktop ? DEMO_PICKED_FOLDER : null),
    // As the hosts do: the page gets the secret's file, never the secret; with `&desktop` a copy
    // works (in the app the main process writes the clipboard; here the demo stands in for it).
    rpcInfo: () => ok({ enabled: true, endpoint: 'http://127.0.0.1:6800/jsonrpc', secretFile: DEMO_SECRET_FILE, canCopySecret: opts.desktop === true }),
    copyRpcSecret: async () => {
      if (!opts.desktop) return { ok: false, error: { code: 'FAILED', message: `Only the desktop app copies the secret; here it is in ${DEMO_SECRET_FILE}` } };
      await navigator.clipboard.writeText('demo-secret-not-for-use');
      return ok(undefined);
    },
    // The demo reads a list as the hosts do (first URL of each line, duplicates of listed ones skipped), options aside.
    async importLinks({ text }) {
      const parsed = parseInputFile(text);
      const known = new Set([...transfers.values()].map((v) => v.url));
      const urls: string[] = [];
      const problems = parsed.problems.slice();
      let skipped = 0;
      for (const entry of parsed.entries) {
        const problem = entry.uris.map(uriProblem).find((p) => p !== undefined);
        if (problem) problems.push({ line: entry.line, message: problem });
        else if (known.has(entry.uris[0]!)) skipped += 1;
        else known.add(urls[urls.push(entry.uris[0]!) - 1]!);
      }
      const added = urls.length > 0 ? await api.addDownloads({ urls }) : { ok: true as const, value: [] };
      return added.ok ? ok({ ids: added.value.map((v) => v.id), skipped, problems, notes: [] }) : added;
    },
    exportList: ({ ids }) => {
      const views = (ids ?? [...transfers.keys()]).map((id) => transfers.get(id)).filter((v): v is TransferView => v?.kind === 'download');
      return ok({ text: writeInputFile(views.map((v) => ({ uris: [v.url], options: [['dir', v.download!.directory], ['out', v.download!.fileName]] }))), count: views.length });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      // Like the WebSocket host: a new subscriber to snapshots gets one right away.
      if (event === 'snapshot') queueMicrotask(() => (listener as (p: Snapshot) => void)(snapshot()));
      return () => set.delete(listener as (p: unknown) => void);
    },
  };

  const timer = setInterval(tick, tickMs);
  return {
    api,
    label: 'Demo',
    pushesSnapshot: true,
    canOpenFiles: true,
    filesToSources(files) {
      const sources = files.map((file) => {
        if (!opts.desktop) return { path: `/tmp/ferry-demo-uploads/${file.name}` };
        const handle = `demo-dropped-${chosenNames.size}`;
        chosenNames.set(handle, file.name);
        return { handle };
      });
      return Promise.resolve({ ok: true, value: sources });
    },
    nativeDialogs: opts.desktop === true,
    onConnection(listener) {
      listener('open');
      return () => {};
    },
    stop: () => clearInterval(timer),
  };
}
