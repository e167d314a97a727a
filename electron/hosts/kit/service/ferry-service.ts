// The contract's implementation over the engine: the one application service every front calls
// (the desktop window over IPC, the headless UI and the local control socket over the wire, the
// aria2 RPC, the standalone CLI). Who is calling travels with each call (callers.ts) and decides
// what it may name. `handle` takes whatever crossed the process boundary, validates it with the
// contract and always resolves to a Reply: a malformed or failing call is an error value, never an
// exception that could take the host down.
import type { EventName, Events, ParsedInput, Reply, RequestName, RequestOutput, Snapshot } from '../../../../shared/contract';
import { parseRequest } from '../../../../shared/contract';
import type { Settings } from '../../../../shared/settings';
import type { TransferView } from '../../../../shared/transfer';
import type { ContractService } from '../../../../shared/wire/contract-server';
import type { DownloadRequest } from '../../../engine/index';
import { engineSettingsFrom, type FerryServiceOptions } from './service-options';
import { checkDownloadFolder, savedFileName, TransferFailure } from '../../../engine/index';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import { canPause, canResume } from '../../../../shared/transfer-states';
import { adHocUploadRequests } from './ad-hoc-uploads';
import { clientEvents, requestRefusal, settingsRefusal, transferProxyRefusal, type Caller } from './callers';
import { checkClientFileName, checkClientFolder, clientSaveRoots } from './client-save-folders';
import { expandTypedFolder } from './home-folder';
import { checkRuleFolders, ruleDefaults } from './rule-folders';
import { continueTransfer, continueUpload, unfinishedDownloads } from './continue-unfinished';
import { createContinueOffers } from './continue-offers';
import { createPatchBatcher, PATCH_INTERVAL_MS } from './patch-batcher';
import { settingsView, storeSettingsProxy, storeTransferProxy } from './proxy-secrets';
import { AddressRefused, changeDownloadAddress, changeDownloadUrls } from './download-address';
import { aboutFolder, errorReplyFrom, messageOf, proxyInput, Refusal } from './refusal';
import { feedViews, type TransferViews } from './transfer-views';
import { uploadRequestFor } from './upload-request';
import { exportList } from './export-list';
import { importLinks } from './import-links';
import { createServiceSchedule, noSchedule } from '../schedule/service-schedule';
import { createUserChoices, requireChosenFolder, uploadSourcesFor } from './user-choices';

export type { Caller } from './callers';
export { engineSettingsFrom, type EngineLike, type FerryServiceOptions } from './service-options';

export type ServiceListener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface FerryService {
  handle(name: unknown, rawInput: unknown, caller: Caller): Promise<Reply<unknown>>;
  /** The contract as one caller sees it: what a transport that knows who is calling (IPC, a socket) serves. */
  forCaller(caller: Caller): ContractService;
  snapshot(caller?: Caller): Snapshot;
  /** Events for every UI: batched patches, notices, settings and destination changes. */
  subscribe(listener: ServiceListener): () => void;
  /** Pushes an event from the host itself (e.g. offerUpload from a second launch). */
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** Reads for fronts in this process that ask often (the aria2 RPC): current views, unbatched changes. */
  readonly views: TransferViews;
  /** The settings as every UI sees them (proxy passwords masked). */
  settings(): Settings;
  /**
   * The host's own pause, with why in each transfer's log (a standalone CLI run that was
   * interrupted): saved paused, so no Ferry opening the data folder later starts them unasked.
   * Finished ones are left as they are. Not a request: no caller names the note.
   */
  pauseWithNote(ids: readonly string[], note: string): Promise<void>;
  /**
   * The download a browser's handoff `id` was continued as (an offer answered "continue"): the
   * aria2 RPC answers the handoff's GID with it, so the extension shows the real progress.
   */
  continuedAs(id: string): string | undefined;
  close(): void;
}

type Handlers = { [N in RequestName]: (input: ParsedInput<N>, caller: Caller) => Promise<RequestOutput<N>> | RequestOutput<N> };

/** The window of a host without choices may name nothing. */
const NOTHING_CHOSEN = createUserChoices();

export function createFerryService(options: FerryServiceOptions): FerryService {
  const { engine, settingsStore, destinationsStore } = options;
  const listeners = new Set<ServiceListener>();
  const emit: FerryService['emit'] = (event, payload) => {
    for (const listener of listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken window or socket must not stop the others from getting events.
      }
    }
  };
  const batcher = createPatchBatcher((patches) => emit('patches', patches), options.patchIntervalMs ?? PATCH_INTERVAL_MS);
  const feed = feedViews(engine, batcher);
  const offers = createContinueOffers(engine, feed.views, (list) => emit('continueOffers', list), () => engine.clock.now());
  const onNotice = (notice: Events['notice']) => emit('notice', { ...notice, message: maskUrlPasswords(notice.message) });
  engine.on('notice', onNotice);

  const schedule = options.runSchedules === false ? noSchedule() : createServiceSchedule({
    clock: engine.clock,
    settings: () => settingsStore.get(),
    applyLimits(patch) {
      const next = settingsStore.update(patch);
      engine.updateSettings(engineSettingsFrom(next));
      emit('settings', settingsView(next));
    },
    setQueueOpen: (open) => engine.setQueueOpen(open),
    views: feed.views,
    emit,
    openPath: options.openPath,
    ...(options.finishActions ? { finishActions: options.finishActions } : {}),
  });

  /** The window names only what its main process let the user choose; other callers have no choices. */
  const choicesOf = (caller: Caller) => (caller === 'window' ? (options.choices ?? NOTHING_CHOSEN) : undefined);

  /** Browser and RPC clients see downloads only: an upload is not found for them. */
  function requireTransfer(id: string, caller: Caller = 'owner'): TransferView {
    const view = engine.get(id);
    if (!view || (caller === 'client' && view.kind !== 'download')) throw new Refusal('NOT_FOUND', `No transfer with id ${id}`);
    return view;
  }

  async function forEachId(ids: string[], caller: Caller, act: (id: string) => Promise<void>): Promise<void> {
    for (const id of ids) requireTransfer(id, caller);
    for (const id of ids) await act(id);
  }

  function fileOf(id: string): string {
    const view = requireTransfer(id);
    const file = view.kind === 'download' ? view.download?.filePath : view.upload?.sourcePath;
    if (!file) throw new Refusal('NOT_FOUND', `${view.name} has no file on disk yet`);
    return file;
  }

  /** Where a caller's downloads go: the window's picked folders, a client's allowlist (its real path), the owner's any. */
  async function downloadFolderFor(caller: Caller, directory: string | undefined, settings: Settings): Promise<string> {
    if (directory === undefined) return settings.downloadDirectory;
    if (caller === 'client') return checkClientFolder(directory, clientSaveRoots(settings));
    requireChosenFolder(choicesOf(caller), directory, settings.downloadDirectory);
    return directory;
  }

  function destinationsChanged(): void {
    emit('destinations', destinationsStore.list());
  }

  const handlers: Handlers = {
    snapshot: (_input, caller) => snapshot(caller),
    async addDownloads({ urls, mirrors, directory, fileName, sha256, connections, stream, proxy: given, headers, paused, bytesPerSecond, priority, continueUnfinished, sizeHint }, caller) {
      if (fileName && urls.length > 1) throw new Refusal('INVALID_INPUT', 'A file name can only be given for a single URL');
      if (mirrors && urls.length > 1) throw new Refusal('INVALID_INPUT', 'Mirrors can only be given for a single URL (they are other addresses of the same file)');
      const settings = settingsStore.get();
      const target = await aboutFolder('directory', () => downloadFolderFor(caller, directory, settings));
      if (fileName !== undefined && caller === 'client') checkClientFileName(fileName);
      const proxyRefused = transferProxyRefusal(caller, given);
      if (proxyRefused) throw new Refusal('INVALID_INPUT', proxyRefused);
      // The setting is copied into each download, so changing it affects new downloads only; as a
      // default, so the ramp still decides how many of them help (one, on a fast server).
      const count = connections === 'adaptive' ? undefined : (connections ?? settings.connectionsPerDownload);
      const byDefault = connections === undefined;
      const sink = options.transferProxySecrets ?? options.adHocSecrets;
      const release = given ? sink?.hold?.() : undefined;
      try {
        const proxy = given ? await proxyInput(() => storeTransferProxy(given, sink)) : undefined;
        const plain = (url: string): DownloadRequest => ({
          url, directory: target, fileName, sha256, ...(count !== undefined ? { connections: count } : {}), ...(byDefault ? { connectionsByDefault: true } : {}),
          ...(stream ? { stream } : {}), ...(proxy ? { proxy } : {}), ...(headers ? { headers } : {}),
          ...(mirrors && mirrors.length > 0 ? { mirrors } : {}),
          ...(paused ? { paused } : {}), ...(bytesPerSecond !== undefined ? { speedLimit: bytesPerSecond } : {}),
          ...(priority ? { priority } : {}),
        });
        // No folder named: the user's rules file it (their folders count as chosen by the user).
        const asked = { connections: !byDefault, speedLimit: bytesPerSecond !== undefined };
        const request = (url: string): DownloadRequest => (directory === undefined ? ruleDefaults(plain(url), settings, asked) : plain(url));
        const earlier = continueUnfinished ? await unfinishedDownloads(engine, urls.map((url) => ({ url, directory: target, fileName, ...(directory === undefined ? { byRules: true } : {}) })), mirrors) : new Map<number, TransferView>();
        const continued = new Map<number, TransferView>();
        for (const [index, view] of earlier) continued.set(index, await continueTransfer(engine, view));
        // A browser's handoff of a file Ferry is already fetching, unfinished: held (added paused, so
        // no byte is fetched twice) and offered to continue the earlier one (continue-offers.ts).
        // Only a client's (the extension), which names the file and its size; one a user typed is theirs to decide.
        const offerable = caller === 'client' && sizeHint !== undefined && fileName !== undefined && urls.length === 1 && !stream && !continueUnfinished;
        const same = offerable ? offers.match({ name: savedFileName(fileName), size: sizeHint, directory: target }) : undefined;
        const held = (url: string): DownloadRequest => (same ? { ...request(url), paused: true } : request(url));
        // One batch: all URLs checked before any is added, one scheduler run, writes batched.
        const added = await aboutFolder('directory', () => engine.addDownloads(urls.filter((_, index) => !earlier.has(index)).map(held)));
        if (same && added[0]) {
          await offers.raise(added[0], same, paused === true);
          added[0] = engine.get(added[0].id) ?? added[0];
        }
        return urls.map((_, index) => continued.get(index) ?? added.shift()!);
      } finally {
        release?.();
      }
    },
    // Clients are refused (callers.ts): it would let a web page's RPC make Ferry read any address it names.
    describeStream: ({ url }) => engine.describeStream(url),
    // A list of links (aria2's input-file format). The window names no folder: an entry's `dir` is
    // set aside for it (a note says so); the owner's are taken. Clients are refused (callers.ts).
    async importLinks({ text, directory }, caller) {
      const settings = settingsStore.get();
      const folder = await aboutFolder('directory', () => downloadFolderFor(caller, directory, settings));
      const sink = options.transferProxySecrets ?? options.adHocSecrets;
      return importLinks(text, { engine, folder, namesFolders: caller === 'owner', defaultConnections: settings.connectionsPerDownload, ...(sink ? { proxySecrets: sink } : {}) });
    },
    exportList({ ids }, caller) {
      const views = ids ? ids.map((id) => requireTransfer(id, caller)) : engine.list();
      return exportList(views, (id) => engine.downloadHeaderNames(id));
    },
    async addUploads({ paths, handles, destinationId }, caller) {
      const sources = uploadSourcesFor(choicesOf(caller), paths, handles);
      const destination = destinationsStore.getStored(destinationId);
      if (!destination) throw new Refusal('NOT_FOUND', `No destination with id ${destinationId}`);
      const added: TransferView[] = [];
      const failed: string[] = [];
      for (const source of sources) {
        try {
          added.push(await engine.addUpload(uploadRequestFor(destination, source.path)));
        } catch (error) {
          failed.push(`${source.label}: ${messageOf(error)}`);
        }
      }
      if (failed.length > 0) {
        const summary = added.length > 0 ? ` (${added.length} of ${sources.length} were added)` : '';
        throw new Refusal('FAILED', `Could not upload ${failed.join('; ')}${summary}`);
      }
      return added;
    },
    async addUploadsTo(input) {
      // Paths named by the caller: only the owner gets here (callers.ts).
      if (!options.adHocSecrets) throw new Refusal('FORBIDDEN', 'This host takes uploads to saved destinations only');
      const release = options.adHocSecrets.hold?.();
      try {
        const requests = await adHocUploadRequests(input, options.adHocSecrets);
        const added: TransferView[] = [];
        const taken = new Set<string>();
        for (const request of requests) {
          try {
            const earlier = input.continueUnfinished ? await continueUpload(engine, { sourcePath: request.sourcePath, url: request.url }, input.protocol, taken) : undefined;
            added.push(earlier ?? (await engine.addUpload(request)));
          } catch (error) {
            const summary = added.length > 0 ? ` (${added.length} of ${requests.length} were added: ${added.map((v) => v.id).join(', ')})` : '';
            throw new Refusal('FAILED', `Could not upload ${request.sourcePath}: ${messageOf(error)}${summary}`);
          }
        }
        return added;
      } finally {
        release?.();
      }
    },
    pause: ({ ids }, caller) => forEachId(ids, caller, (id) => engine.pause(id)),
    resume: ({ ids }, caller) => forEachId(ids, caller, (id) => engine.resume(id)),
    cancel: ({ ids }, caller) => forEachId(ids, caller, (id) => engine.cancel(id)),
    // An upload to a saved destination retries to the destination as it is now (the user may have
    // fixed its URL after the failure); one whose destination was deleted keeps the target it had.
    retry: ({ ids }, caller) =>
      forEachId(ids, caller, (id) => {
        const upload = engine.get(id)?.upload;
        const destination = upload?.destinationId ? destinationsStore.getStored(upload.destinationId) : undefined;
        if (!upload || !destination) return engine.retry(id);
        return engine.retry(id, { upload: uploadRequestFor(destination, upload.sourcePath) });
      }),
    remove: ({ ids, deleteFiles }, caller) => {
      if (deleteFiles && caller === 'client') throw new Refusal('FORBIDDEN', 'Browser and RPC clients do not delete files');
      return forEachId(ids, caller, (id) => engine.remove(id, { deleteFile: deleteFiles }));
    },
    // A client's "all" is its downloads: uploads are not its business.
    pauseAll: (_input, caller) => (caller === 'client' ? forEachDownload((v) => engine.pause(v.id), 'pause') : engine.pauseAll()),
    resumeAll: (_input, caller) => (caller === 'client' ? forEachDownload((v) => engine.resume(v.id), 'resume') : engine.resumeAll()),
    reorder({ id, toIndex }, caller) {
      requireTransfer(id, caller);
      engine.reorder(id, toIndex);
    },
    setTransferSpeedLimit({ id, bytesPerSecond }, caller) {
      requireTransfer(id, caller);
      engine.setTransferSpeedLimit(id, bytesPerSecond);
    },
    setTransferPriority({ id, priority }, caller) {
      requireTransfer(id, caller);
      engine.setTransferPriority(id, priority);
    },
    async setTransferProxy({ id, proxy: given }, caller) {
      requireTransfer(id, caller);
      const proxyRefused = transferProxyRefusal(caller, given);
      if (proxyRefused) throw new Refusal('INVALID_INPUT', proxyRefused);
      const sink = options.transferProxySecrets ?? options.adHocSecrets;
      const release = sink?.hold?.();
      try {
        const proxy = given ? await proxyInput(() => storeTransferProxy(given, sink, engine.transferProxy(id))) : undefined;
        engine.setTransferProxy(id, proxy);
      } finally {
        release?.();
      }
    },
    async changeDownloadUrls({ id, remove, add, position }, caller) {
      const view = requireTransfer(id, caller);
      try {
        return await changeDownloadUrls(engine, view, remove, add, position);
      } catch (error) {
        if (error instanceof AddressRefused || error instanceof TransferFailure) throw new Refusal('INVALID_INPUT', error instanceof TransferFailure ? error.error.message : error.message);
        throw error;
      }
    },
    async setDownloadAddress({ id, url, as }) {
      try {
        await changeDownloadAddress(engine, requireTransfer(id), url, as);
      } catch (error) {
        if (error instanceof AddressRefused || error instanceof TransferFailure) throw new Refusal('INVALID_INPUT', error instanceof TransferFailure ? error.error.message : error.message, 'url');
        throw error;
      }
    },
    getSettings: () => settingsView(settingsStore.get()),
    async setSettings(patch, caller) {
      const keysRefused = settingsRefusal(caller, Object.keys(patch));
      if (keysRefused) throw new Refusal('FORBIDDEN', keysRefused);
      // A client moves the download folder only where it may save anyway: else two calls (move it,
      // then add) would write anywhere.
      if (caller === 'client' && patch.downloadDirectory !== undefined) {
        patch = { ...patch, downloadDirectory: await checkClientFolder(patch.downloadDirectory, clientSaveRoots(settingsStore.get())) };
      }
      if (patch.proxy !== undefined) {
        const proxy = patch.proxy;
        patch = { ...patch, proxy: await proxyInput(() => storeSettingsProxy(proxy, settingsStore.get().proxy, options.proxySecrets)) };
      }
      const current = settingsStore.get();
      if (patch.rules !== undefined) {
        const rules = patch.rules;
        await aboutFolder('rules', () => checkRuleFolders(rules, current, patch.downloadDirectory ?? current.downloadDirectory, choicesOf(caller)));
      }
      if (patch.downloadDirectory !== undefined) {
        const folder = patch.downloadDirectory;
        await aboutFolder('downloadDirectory', async () => {
          requireChosenFolder(choicesOf(caller), folder, current.downloadDirectory);
          await checkDownloadFolder(folder);
        });
      }
      const declined = await options.confirmSettingsChange?.(patch, current);
      if (declined) throw new Refusal('FAILED', declined);
      // Folders added for browser and RPC clients follow the download folder's rules: in the desktop
      // app only ones picked in its dialog, nowhere one the OS runs files from.
      for (const folder of patch.rpcSaveFolders ?? []) {
        if (current.rpcSaveFolders.includes(folder)) continue;
        requireChosenFolder(choicesOf(caller), folder, current.downloadDirectory);
        await checkDownloadFolder(folder);
      }
      let next: Settings;
      try {
        next = settingsStore.update(patch);
      } catch (error) {
        throw new Refusal('INVALID_INPUT', messageOf(error));
      }
      engine.updateSettings(engineSettingsFrom(next));
      // A new timetable writes the limits in force at once: the reply and the event carry them.
      schedule.settingsChanged(next);
      const saved = settingsStore.get();
      emit('settings', settingsView(saved));
      return settingsView(saved);
    },
    listDestinations: () => destinationsStore.list(),
    async createDestination(input) {
      const created = await destinationsStore.create(input);
      destinationsChanged();
      return created;
    },
    async updateDestination({ id, destination }) {
      const updated = await destinationsStore.update(id, destination);
      destinationsChanged();
      return updated;
    },
    async deleteDestination({ id }) {
      await destinationsStore.delete(id);
      destinationsChanged();
    },
    async openFile({ id }) {
      // Only what Ferry itself finished downloading: an upload's source is any file its caller named.
      const view = requireTransfer(id);
      if (view.kind !== 'download' || view.state !== 'completed') {
        throw new Refusal('FORBIDDEN', `Only completed downloads can be opened (${view.name} is ${view.kind === 'upload' ? 'an upload' : view.state})`);
      }
      const problem = await options.openPath(fileOf(id));
      if (problem) throw new Refusal('FAILED', problem);
    },
    async showInFolder({ id }) {
      // An unfinished download has no file of its own yet: its folder (where its partial file is).
      const view = requireTransfer(id);
      const unfinished = view.kind === 'download' && !view.download?.filePath ? view.download?.directory : undefined;
      await options.showItemInFolder(unfinished ?? fileOf(id));
    },
    async chooseUploadFiles() {
      if (!options.chooseUploadFiles) throw new Refusal('FAILED', 'Choosing files with a dialog is only available in the desktop app');
      return options.chooseUploadFiles();
    },
    async chooseDownloadFolder() {
      if (!options.chooseDownloadFolder) throw new Refusal('FAILED', 'Choosing a folder with a dialog is only available in the desktop app');
      const folder = await options.chooseDownloadFolder();
      if (folder === null) return null;
      // Refused here, at once, rather than at the first download into it.
      const normalised = await checkDownloadFolder(folder);
      options.choices?.chooseFolder(normalised);
      return normalised;
    },
    // Not for clients (callers.ts): a web page's RPC must not move a download onto a link it chose.
    answerContinueOffer: ({ offerId, answer }) => offers.answer(offerId, answer),
    runQueueNow: () => schedule.runNow(),
    cancelQueueAction: () => schedule.cancelCountdown(),
    rpcInfo: () => options.rpcInfo?.() ?? { enabled: false, endpoint: null, secretFile: null, canCopySecret: false, problem: 'This Ferry serves no aria2 RPC' },
    async copyRpcSecret() {
      if (!options.copyRpcSecret) {
        const file = options.rpcInfo?.().secretFile;
        throw new Refusal('FAILED', file ? `Only the desktop app copies the secret; here it is in ${file}` : 'This Ferry serves no aria2 RPC');
      }
      await options.copyRpcSecret();
    },
  };

  /** pauseAll/resumeAll of a client: each of its downloads the state table lets move. */
  async function forEachDownload(act: (view: TransferView) => Promise<void>, move: 'pause' | 'resume'): Promise<void> {
    for (const view of feed.views.all()) {
      if (view.kind !== 'download') continue;
      if (!(move === 'pause' ? canPause(view.state) : canResume(view.state))) continue;
      await act(view);
    }
  }

  function snapshot(caller: Caller = 'owner'): Snapshot {
    const transfers = engine.list();
    if (caller === 'client') return { transfers: transfers.filter((v) => v.kind === 'download'), settings: settingsView(settingsStore.get()), destinations: [] };
    const offered = offers.list();
    return { transfers, settings: settingsView(settingsStore.get()), destinations: destinationsStore.list(), schedule: schedule.state(), ...(offered.length > 0 ? { offers: offered } : {}) };
  }

  async function handle(name: unknown, rawInput: unknown, caller: Caller): Promise<Reply<unknown>> {
    // A folder typed as ~/… is this host's user's home; expanded before the contract reads it.
    const parsed = parseRequest(name, expandTypedFolder(name, rawInput));
    if (!parsed.ok) return parsed;
    const refused = requestRefusal(caller, parsed.name);
    if (refused) return { ok: false, error: { code: 'FORBIDDEN', message: refused } };
    const handler = handlers[parsed.name] as (input: unknown, caller: Caller) => unknown;
    try {
      return { ok: true, value: await handler(parsed.input, caller) };
    } catch (error) {
      const reply = errorReplyFrom(error);
      return { ok: false, error: { ...reply, message: maskUrlPasswords(reply.message) } };
    }
  }

  function subscribe(listener: ServiceListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return {
    handle,
    forCaller: (caller) => ({
      handle: (name, input) => handle(name, input, caller),
      snapshot: () => snapshot(caller),
      subscribe: caller === 'client' ? (listener) => subscribe(clientEvents(listener, feed.views)) : subscribe,
    }),
    snapshot,
    subscribe,
    emit,
    views: feed.views,
    settings: () => settingsView(settingsStore.get()),
    async pauseWithNote(ids, note) {
      await Promise.allSettled(ids.map((id) => engine.pause(id, note)));
    },
    continuedAs: (id) => offers.continuedAs(id),
    close() {
      offers.close();
      schedule.close();
      batcher.flush();
      batcher.stop();
      feed.close();
      engine.off('notice', onNotice);
      listeners.clear();
    },
  };
}
