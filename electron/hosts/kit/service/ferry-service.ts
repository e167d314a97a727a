// The contract's implementation over the engine, shared by the Electron IPC host and the
// headless WebSocket host. `handle` takes whatever crossed the process boundary, validates it
// with the contract and always resolves to a Reply: a malformed or failing call is an error
// value, never an exception that could take the host down.
import { AddressRefused, changeDownloadAddress } from './download-address';
import type { ChosenFile, ErrorReply, EventName, Events, ParsedInput, Reply, RequestName, RequestOutput, RpcInfo, Snapshot } from '../../../../shared/contract';
import { parseRequest } from '../../../../shared/contract';
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import type { TransferView } from '../../../../shared/transfer';
import type { EngineSettings, TransferEngine } from '../../../engine/index';
import { checkDownloadFolder, DownloadFolderRefused } from '../../../engine/index';
import { InvalidTransitionError, TransferFailure, TransferNotFoundError } from '../../../engine/index';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import { adHocUploadRequests, type AdHocSecretSink } from './ad-hoc-uploads';
import { ProxyInputError, settingsView, storeSettingsProxy, storeTransferProxy, type ProxySecretStore } from './proxy-secrets';
import { DestinationError, type DestinationsStore } from './destinations-store';
import { expandTypedFolder } from './home-folder';
import { createPatchBatcher, PATCH_INTERVAL_MS } from './patch-batcher';
import type { SettingsStore } from './settings-store';
import { uploadRequestFor } from './upload-request';
import { PathRefused, requireChosenFolder, uploadSourcesFor, type UserChoices } from './user-choices';

export type EngineLike = Pick<
  TransferEngine,
  | 'on' | 'off' | 'get' | 'list' | 'addDownload' | 'addDownloads' | 'addUpload' | 'pause' | 'resume' | 'cancel' | 'retry'
  | 'remove' | 'pauseAll' | 'resumeAll' | 'reorder' | 'setTransferSpeedLimit' | 'transferProxy' | 'setTransferProxy' | 'updateSettings'
  | 'downloadUrls' | 'setDownloadUrls'
>;

export interface FerryServiceOptions {
  engine: EngineLike;
  settingsStore: SettingsStore;
  destinationsStore: DestinationsStore;
  /** Opens a file with the OS; resolves to an error message, '' on success (Electron's shell.openPath). */
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void | Promise<void>;
  /**
   * The desktop app: upload files and download folders come only from what its main process let
   * the user choose (handles, picked folders). Absent in the headless host, whose token holder owns
   * the machine and may name any path.
   */
  choices?: UserChoices;
  /** Native dialogs, where the host has them (the desktop app). */
  chooseUploadFiles?(): Promise<ChosenFile[]>;
  chooseDownloadFolder?(): Promise<string | null>;
  /** Where addUploadsTo keeps header values (the host's secret store); hosts without it refuse addUploadsTo. */
  adHocSecrets?: AdHocSecretSink;
  /**
   * A change of settings that needs the user's own yes first (the desktop app: turning off the
   * question before dropped files are uploaded). Resolves to why it was refused, or undefined.
   */
  confirmSettingsChange?(patch: SettingsPatch, current: Settings): Promise<string | undefined>;
  /** Where proxy passwords typed into Settings are kept (the host's secret store); absent: refused. */
  proxySecrets?: ProxySecretStore;
  /** Where a single transfer's proxy password goes (kept while a transfer names it); default adHocSecrets. */
  transferProxySecrets?: AdHocSecretSink;
  /** The aria2 RPC's state, where the host runs one. */
  rpcInfo?: () => RpcInfo;
  /** Puts the RPC secret on the clipboard from the main process (the desktop app). */
  copyRpcSecret?: () => void | Promise<void>;
  patchIntervalMs?: number;
}

export type ServiceListener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface FerryService {
  handle(name: unknown, rawInput: unknown): Promise<Reply<unknown>>;
  snapshot(): Snapshot;
  /** Events for every UI: batched patches, notices, settings and destination changes. */
  subscribe(listener: ServiceListener): () => void;
  /** Pushes an event from the host itself (e.g. offerUpload from a second launch). */
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  close(): void;
}

type Handlers = { [N in RequestName]: (input: ParsedInput<N>) => Promise<RequestOutput<N>> | RequestOutput<N> };

/** A proxy address or password the caller must fix: refused in words. */
async function proxyInput<T>(store: () => Promise<T>): Promise<T> {
  try {
    return await store();
  } catch (error) {
    if (error instanceof ProxyInputError) throw new Refusal('INVALID_INPUT', error.message);
    throw error;
  }
}

/** A refusal the service raises on purpose, with the error code UIs should see (and the input field it is about). */
class Refusal extends Error {
  constructor(
    readonly code: ErrorReply['code'],
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A refused download folder, said next to the field it was typed in. */
async function aboutFolder<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DownloadFolderRefused || error instanceof PathRefused) throw new Refusal(error.code, error.message, field);
    throw error;
  }
}

export function engineSettingsFrom(settings: Settings): Partial<EngineSettings> {
  return {
    maxActive: settings.maxActive,
    maxPerHost: settings.maxPerHost,
    downloadLimit: settings.downloadLimit,
    uploadLimit: settings.uploadLimit,
    stallTimeoutMs: settings.stallTimeoutSeconds * 1000,
    maxRetries: settings.maxRetries,
    proxy: settings.proxy,
  };
}

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
  // The engine's views are already what a client may see (engine/transfer-view.ts: URL passwords masked).
  const onView = (view: TransferView) => batcher.view(view);
  const onProgress = (id: string, progress: TransferView['progress']) => batcher.progress(id, progress);
  const onRemoved = (id: string) => batcher.removed(id);
  const onNotice = (notice: Events['notice']) => emit('notice', { ...notice, message: maskUrlPasswords(notice.message) });
  engine.on('added', onView);
  engine.on('changed', onView);
  engine.on('progress', onProgress);
  engine.on('removed', onRemoved);
  engine.on('notice', onNotice);

  function requireTransfer(id: string): TransferView {
    const view = engine.get(id);
    if (!view) throw new Refusal('NOT_FOUND', `No transfer with id ${id}`);
    return view;
  }

  async function forEachId(ids: string[], act: (id: string) => Promise<void>): Promise<void> {
    for (const id of ids) requireTransfer(id);
    for (const id of ids) await act(id);
  }

  function fileOf(id: string): string {
    const view = requireTransfer(id);
    const file = view.kind === 'download' ? view.download?.filePath : view.upload?.sourcePath;
    if (!file) throw new Refusal('NOT_FOUND', `${view.name} has no file on disk yet`);
    return file;
  }

  function destinationsChanged(): void {
    emit('destinations', destinationsStore.list());
  }

  const handlers: Handlers = {
    snapshot: () => snapshot(),
    async addDownloads({ urls, directory, fileName, sha256, connections, stream, proxy: given }) {
      if (fileName && urls.length > 1) throw new Refusal('INVALID_INPUT', 'A file name can only be given for a single URL');
      const settings = settingsStore.get();
      const target = directory ?? settings.downloadDirectory;
      // The setting is copied into each download, so changing it affects new downloads only; as a
      // default, so the ramp still decides how many of them help (one, on a fast server).
      const count = connections ?? settings.connectionsPerDownload;
      const byDefault = connections === undefined ? { connectionsByDefault: true } : {};
      const sink = options.transferProxySecrets ?? options.adHocSecrets;
      const release = given ? sink?.hold?.() : undefined;
      try {
        const proxy = given ? await proxyInput(() => storeTransferProxy(given, sink)) : undefined;
        // One batch: all URLs checked before any is added, one scheduler run, writes batched.
        return await aboutFolder('directory', async () => {
          if (directory !== undefined) requireChosenFolder(options.choices, directory, settings.downloadDirectory);
          return engine.addDownloads(urls.map((url) => ({ url, directory: target, fileName, sha256, connections: count, ...byDefault, ...(stream ? { stream } : {}), ...(proxy ? { proxy } : {}) })));
        });
      } finally {
        release?.();
      }
    },
    async addUploads({ paths, handles, destinationId }) {
      const sources = uploadSourcesFor(options.choices, paths, handles);
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
      // Paths named by the caller: never from the desktop app's window (see uploadSourcesFor).
      uploadSourcesFor(options.choices, input.uploads.map((u) => u.path), undefined);
      if (!options.adHocSecrets) throw new Refusal('FORBIDDEN', 'This host takes uploads to saved destinations only');
      const release = options.adHocSecrets.hold?.();
      try {
        const requests = await adHocUploadRequests(input, options.adHocSecrets);
        const added: TransferView[] = [];
        for (const request of requests) {
          try {
            added.push(await engine.addUpload(request));
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
    pause: ({ ids }) => forEachId(ids, (id) => engine.pause(id)),
    resume: ({ ids }) => forEachId(ids, (id) => engine.resume(id)),
    cancel: ({ ids }) => forEachId(ids, (id) => engine.cancel(id)),
    // An upload to a saved destination retries to the destination as it is now (the user may have
    // fixed its URL after the failure); one whose destination was deleted keeps the target it had.
    retry: ({ ids }) =>
      forEachId(ids, (id) => {
        const upload = engine.get(id)?.upload;
        const destination = upload?.destinationId ? destinationsStore.getStored(upload.destinationId) : undefined;
        if (!upload || !destination) return engine.retry(id);
        return engine.retry(id, { upload: uploadRequestFor(destination, upload.sourcePath) });
      }),
    remove: ({ ids, deleteFiles }) => forEachId(ids, (id) => engine.remove(id, { deleteFile: deleteFiles })),
    pauseAll: () => engine.pauseAll(),
    resumeAll: () => engine.resumeAll(),
    reorder({ id, toIndex }) {
      requireTransfer(id);
      engine.reorder(id, toIndex);
    },
    setTransferSpeedLimit({ id, bytesPerSecond }) {
      requireTransfer(id);
      engine.setTransferSpeedLimit(id, bytesPerSecond);
    },
    async setTransferProxy({ id, proxy: given }) {
      requireTransfer(id);
      const sink = options.transferProxySecrets ?? options.adHocSecrets;
      const release = sink?.hold?.();
      try {
        const proxy = given ? await proxyInput(() => storeTransferProxy(given, sink, engine.transferProxy(id))) : undefined;
        engine.setTransferProxy(id, proxy);
      } finally {
        release?.();
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
    async setSettings(patch) {
      if (patch.proxy !== undefined) {
        const proxy = patch.proxy;
        patch = { ...patch, proxy: await proxyInput(() => storeSettingsProxy(proxy, settingsStore.get().proxy, options.proxySecrets)) };
      }
      const current = settingsStore.get();
      if (patch.downloadDirectory !== undefined) {
        const folder = patch.downloadDirectory;
        await aboutFolder('downloadDirectory', async () => {
          requireChosenFolder(options.choices, folder, current.downloadDirectory);
          await checkDownloadFolder(folder);
        });
      }
      const declined = await options.confirmSettingsChange?.(patch, current);
      if (declined) throw new Refusal('FAILED', declined);
      // Folders added for browser and RPC clients follow the download folder's rules: in the desktop
      // app only ones picked in its dialog, nowhere one the OS runs files from.
      for (const folder of patch.rpcSaveFolders ?? []) {
        if (current.rpcSaveFolders.includes(folder)) continue;
        requireChosenFolder(options.choices, folder, current.downloadDirectory);
        await checkDownloadFolder(folder);
      }
      let next: Settings;
      try {
        next = settingsStore.update(patch);
      } catch (error) {
        throw new Refusal('INVALID_INPUT', messageOf(error));
      }
      engine.updateSettings(engineSettingsFrom(next));
      emit('settings', settingsView(next));
      return settingsView(next);
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
    rpcInfo: () => options.rpcInfo?.() ?? { enabled: false, endpoint: null, secretFile: null, canCopySecret: false, problem: 'This Ferry serves no aria2 RPC' },
    async copyRpcSecret() {
      if (!options.copyRpcSecret) {
        const file = options.rpcInfo?.().secretFile;
        throw new Refusal('FAILED', file ? `Only the desktop app copies the secret; here it is in ${file}` : 'This Ferry serves no aria2 RPC');
      }
      await options.copyRpcSecret();
    },
  };

  function snapshot(): Snapshot {
    return { transfers: engine.list(), settings: settingsView(settingsStore.get()), destinations: destinationsStore.list() };
  }

  return {
    async handle(name, rawInput) {
      // A folder typed as ~/… is this host's user's home; expanded before the contract reads it.
      const parsed = parseRequest(name, expandTypedFolder(name, rawInput));
      if (!parsed.ok) return parsed;
      const handler = handlers[parsed.name] as (input: unknown) => unknown;
      try {
        return { ok: true, value: await handler(parsed.input) };
      } catch (error) {
        const reply = errorReplyFrom(error);
        return { ok: false, error: { ...reply, message: maskUrlPasswords(reply.message) } };
      }
    },
    snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    close() {
      batcher.flush();
      batcher.stop();
      engine.off('added', onView);
      engine.off('changed', onView);
      engine.off('progress', onProgress);
      engine.off('removed', onRemoved);
      engine.off('notice', onNotice);
      listeners.clear();
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorReplyFrom(error: unknown): ErrorReply {
  if (error instanceof Refusal) return { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
  if (error instanceof DestinationError || error instanceof DownloadFolderRefused || error instanceof PathRefused) return { code: error.code, message: error.message };
  if (error instanceof TransferFailure) return { code: 'FAILED', message: error.error.message };
  if (error instanceof TransferNotFoundError) return { code: 'NOT_FOUND', message: error.message };
  if (error instanceof InvalidTransitionError) return { code: 'FAILED', message: error.message };
  return { code: 'FAILED', message: messageOf(error) };
}
