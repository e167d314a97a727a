// aria2's RPC methods over Ferry's engine, with aria2's shapes (see aria2's RpcMethodImpl.cc and
// its manual). Each method takes the params after the secret and returns the result value or
// throws RpcError. Uploads are Ferry's own: aria2 clients see downloads only.
import { randomBytes } from 'node:crypto';
import type { TransferView } from '../../../../shared/transfer';
import type { RpcBackend } from './backend';
import { DownloadIndex, isStopped, page } from './download-index';
import { assignGid, gidOf } from './gid';
import { asOptions, downloadOptionsFrom, globalOptionsView, optionsView, OptionError, proxyChoiceFrom, settingsPatchFrom, type DownloadOptions } from './options';
import { changeUri } from './change-uri';
import { filesOf, pickKeys, statusStruct, urisOf } from './status-view';
import { intParam, keysParam, RpcError } from './rpc-error';
import { hasClearPassword, proxyAddresses } from '../../../engine/index';
import { ferryVersion } from '../ferry-version';
import { checkClientFileName, checkClientFolder, clientSaveRoots, ClientPathRefused } from '../service/client-save-folders';

export { RpcError } from './rpc-error';

export const FERRY_ARIA2_VERSION = '1.36.0';

export const NOTIFICATIONS = [
  'aria2.onDownloadStart',
  'aria2.onDownloadPause',
  'aria2.onDownloadStop',
  'aria2.onDownloadComplete',
  'aria2.onDownloadError',
  'aria2.onBtDownloadComplete',
] as const;

type Method = (params: unknown[]) => unknown;

export interface MethodTable {
  /** By aria2 name; a Map, so that names like "toString" or "__proto__" find nothing. */
  methods: ReadonlyMap<string, Method>;
  /** Forget per-download options of transfers that are gone. */
  forget(id: string): void;
  close(): void;
}

export function createMethods(backend: RpcBackend, info: { listenPort: () => number }): MethodTable {
  const { engine } = backend;
  const sessionId = randomBytes(20).toString('hex');
  // Options aria2 clients set that Ferry keeps beside the engine (connections until segmented
  // downloads use them, the out/checksum/header values to show in getOption).
  const storedOptions = new Map<string, DownloadOptions>();
  /** GIDs chosen by clients whose downloads are being added right now. */
  const reservedGids = new Set<string>();

  const index = new DownloadIndex(engine);
  const find = (gid: unknown) => index.find(gid);
  const downloads = () => index.all();

  /** A folder an RPC caller named: only inside the download folder or the folders listed in Settings. */
  async function clientFolder(folder: string): Promise<string> {
    try {
      return await checkClientFolder(folder, clientSaveRoots(backend.getSettings()));
    } catch (error) {
      throw new RpcError(error instanceof ClientPathRefused ? error.message : String(error));
    }
  }

  /** An `out` an RPC caller named: one plain name that stays in its folder. */
  function clientFileName(out: string): void {
    try {
      checkClientFileName(out);
    } catch (error) {
      throw new RpcError(`We encountered a problem while processing the option '--out': ${(error as Error).message}`);
    }
  }

  async function addUri(urisParam: unknown, optionsParam: unknown, positionParam: unknown): Promise<string> {
    if (!Array.isArray(urisParam) || urisParam.length === 0 || !urisParam.every((u) => typeof u === 'string')) {
      throw new RpcError('URI is not provided.');
    }
    let options: DownloadOptions;
    try {
      options = downloadOptionsFrom(optionsParam);
    } catch (error) {
      throw new RpcError(error instanceof OptionError ? error.message : String(error));
    }
    // Checked before the add: a refused call must not leave a download behind.
    const position = positionParam === undefined ? undefined : intParam(positionParam, 'position');
    // aria2 treats several URIs as mirrors of one file: so does Ferry (segments spread over them).
    const [url, ...others] = urisParam as string[];
    const mirrors = [...new Set(others.filter((u) => u !== url))];
    if (proxyAddresses(options.proxy).some(hasClearPassword)) {
      throw new RpcError('A proxy password for one download is not kept over the RPC: give the proxy with its password in changeGlobalOption (all-proxy), or one without a password here');
    }
    for (const uri of [url!, ...mirrors]) {
      if (!/^https?:\/\//i.test(uri)) throw new RpcError(`Ferry downloads http and https URIs only: ${uri.slice(0, 200)}`);
    }
    // Checked before anything is kept, so a refused folder gets no download, no folder and no .part.
    const directory = options.dir === undefined ? backend.getSettings().downloadDirectory : await clientFolder(options.dir);
    if (options.out !== undefined) clientFileName(options.out);
    // A chosen GID is an idempotency key: a resent submission whose first answer was lost must not
    // add a second download. Reserved before the (asynchronous) add, so two at once cannot both pass.
    const chosenGid = options.gid;
    if (chosenGid !== undefined) {
      if (reservedGids.has(chosenGid) || index.all().some((v) => gidOf(v.id) === chosenGid)) throw new RpcError(`GID ${chosenGid} is not unique`);
      reservedGids.add(chosenGid);
    }
    let view: TransferView;
    try {
      view = await engine.addDownload({
        url: url!,
        ...(mirrors.length > 0 ? { mirrors } : {}),
        directory,
        ...(options.out ? { fileName: options.out } : {}),
        ...(options.sha256 ? { sha256: options.sha256 } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.speedLimit !== undefined ? { speedLimit: options.speedLimit } : {}),
        ...(options.pause ? { paused: true } : {}),
        // Without split: Settings › Connections per download, as a default the ramp judges.
        ...(options.connections !== undefined ? { connections: options.connections } : { connections: backend.getSettings().connectionsPerDownload, connectionsByDefault: true }),
        ...(options.stream ? { stream: options.stream } : {}),
        // Passwords are refused here (the engine keeps none in a record); Settings' proxy takes one.
        ...(options.proxy ? { proxy: options.proxy } : {}),
      });
    } catch (error) {
      throw new RpcError(error instanceof Error ? error.message : String(error));
    } finally {
      if (chosenGid !== undefined) reservedGids.delete(chosenGid);
    }
    if (chosenGid !== undefined) assignGid(view.id, chosenGid);
    storedOptions.set(view.id, options);
    if (position !== undefined) moveInWaiting(view.id, position);
    return gidOf(view.id);
  }

  function moveInWaiting(id: string, position: number): number {
    const all = engine.list();
    const others = all.filter((v) => v.id !== id);
    const waitingOthers = others.filter((v) => v.kind === 'download' && (v.state === 'queued' || v.state === 'paused'));
    const target = Math.max(0, Math.min(position, waitingOthers.length));
    const anchor = waitingOthers[target];
    const toIndex = anchor ? others.indexOf(anchor) : waitingOthers.length > 0 ? others.indexOf(waitingOthers.at(-1)!) + 1 : others.length;
    engine.reorder(id, toIndex);
    return target;
  }

  async function pause(gid: unknown): Promise<string> {
    const view = find(gid);
    if (view.state !== 'active' && view.state !== 'queued') throw new RpcError(`GID#${gidOf(view.id)} cannot be paused now`);
    await engine.pause(view.id);
    return gidOf(view.id);
  }

  async function unpause(gid: unknown): Promise<string> {
    const view = find(gid);
    if (view.state !== 'paused') throw new RpcError(`GID#${gidOf(view.id)} cannot be unpaused now`);
    await engine.resume(view.id);
    return gidOf(view.id);
  }

  async function remove(gid: unknown): Promise<string> {
    const view = find(gid);
    if (view.state !== 'active' && view.state !== 'queued' && view.state !== 'paused') {
      throw new RpcError(`Active Download not found for GID#${gidOf(view.id)}`);
    }
    if (view.startedAt === undefined) {
      // aria2 forgets a download that never started outright, leaving no result behind.
      await engine.remove(view.id, { deleteFile: false });
      storedOptions.delete(view.id);
      return gidOf(view.id);
    }
    // aria2's "removed" keeps the result until removeDownloadResult: Ferry's canceled is that.
    await engine.cancel(view.id);
    return gidOf(view.id);
  }

  async function removeResult(gid: unknown): Promise<string> {
    const view = find(gid);
    if (view.state !== 'completed' && view.state !== 'failed' && view.state !== 'canceled') {
      throw new RpcError(`Could not remove download result of GID#${gidOf(view.id)}`);
    }
    await engine.remove(view.id, { deleteFile: false });
    storedOptions.delete(view.id);
    return 'OK';
  }

  async function changeOption(gid: unknown, raw: unknown): Promise<string> {
    const view = find(gid);
    let options: DownloadOptions;
    try {
      options = downloadOptionsFrom(raw);
    } catch (error) {
      throw new RpcError(error instanceof Error ? error.message : String(error));
    }
    // Refused as addUri refuses it, though an existing download keeps its name.
    if (options.out !== undefined) clientFileName(options.out);
    if (options.speedLimit !== undefined) engine.setTransferSpeedLimit(view.id, options.speedLimit);
    if (options.connections !== undefined) storedOptions.set(view.id, { ...storedOptions.get(view.id), connections: options.connections });
    const proxy = proxyChoiceFrom(asOptions(raw) as Record<string, string>, engine.transferProxy(view.id));
    if (proxy) {
      try {
        engine.setTransferProxy(view.id, proxy);
      } catch (error) {
        throw new RpcError(error instanceof Error ? error.message : String(error));
      }
      storedOptions.set(view.id, { ...storedOptions.get(view.id), proxy });
    }
    // dir, out, header and checksum of an existing download stay as they were (aria2 too refuses
    // most of them once a download started); they are accepted and ignored.
    return 'OK';
  }

  async function pauseAll(): Promise<string> {
    for (const v of downloads()) if (v.state === 'active' || v.state === 'queued') await engine.pause(v.id);
    return 'OK';
  }

  async function changeGlobalOption(raw: unknown): Promise<string> {
    let patch;
    try {
      patch = settingsPatchFrom(raw, backend.getSettings());
    } catch (error) {
      throw new RpcError(error instanceof Error ? error.message : String(error));
    }
    // The download folder may move only where a client may save anyway: else two calls (move it,
    // then add) would write anywhere.
    if (patch.downloadDirectory !== undefined) patch.downloadDirectory = await clientFolder(patch.downloadDirectory);
    if (Object.keys(patch).length > 0) {
      try {
        await backend.updateSettings(patch);
      } catch (error) {
        throw new RpcError(`Ferry refused the options: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return 'OK';
  }

  const methods: Record<string, Method> = {
    'aria2.addUri': ([uris, options, position]) => addUri(uris, options, position),
    'aria2.addTorrent': () => {
      throw new RpcError('Ferry does not download torrents: aria2.addTorrent is not supported');
    },
    'aria2.addMetalink': () => {
      throw new RpcError('Ferry does not read Metalink files: aria2.addMetalink is not supported');
    },
    'aria2.remove': ([gid]) => remove(gid),
    'aria2.forceRemove': ([gid]) => remove(gid),
    'aria2.pause': ([gid]) => pause(gid),
    'aria2.forcePause': ([gid]) => pause(gid),
    'aria2.pauseAll': () => pauseAll(),
    'aria2.forcePauseAll': () => pauseAll(),
    'aria2.unpause': ([gid]) => unpause(gid),
    'aria2.unpauseAll': async () => {
      for (const v of downloads()) if (v.state === 'paused') await engine.resume(v.id);
      return 'OK';
    },
    'aria2.tellStatus': ([gid, keys]) => pickKeys(statusStruct(find(gid)), keysParam(keys)),
    'aria2.getUris': ([gid]) => {
      const view = find(gid);
      // aria2 keeps URIs only while a download is in its queue, not in its results.
      if (isStopped(view)) throw new RpcError(`No URI data is available for GID#${gidOf(view.id)}`);
      return urisOf(view);
    },
    'aria2.getFiles': ([gid]) => filesOf(find(gid)),
    'aria2.getPeers': ([gid]) => (find(gid), []),
    'aria2.getServers': ([gid]) => (find(gid), []),
    'aria2.tellActive': ([keys]) => {
      const wanted = keysParam(keys); // refused also when nothing is active, as aria2 does
      return index.active().map((v) => pickKeys(statusStruct(v), wanted));
    },
    'aria2.tellWaiting': ([offset, num, keys]) => page(index.waiting(), offset, num, keys),
    'aria2.tellStopped': ([offset, num, keys]) => page(index.stopped(), offset, num, keys),
    'aria2.changePosition': ([gid, pos, how]) => {
      const view = find(gid);
      const list = index.waiting();
      const current = list.findIndex((v) => v.id === view.id);
      if (current < 0) throw new RpcError(`GID#${gidOf(view.id)} not found in the waiting queue.`);
      const n = intParam(pos, 'pos');
      const target = how === 'POS_SET' ? n : how === 'POS_CUR' ? current + n : how === 'POS_END' ? list.length - 1 + n : NaN;
      if (Number.isNaN(target)) throw new RpcError(`Illegal argument: how must be POS_SET, POS_CUR or POS_END`);
      return moveInWaiting(view.id, Math.max(0, target));
    },
    'aria2.changeUri': (params) => changeUri(engine, find(params[0]), params),
    'aria2.getOption': ([gid]) => {
      const view = find(gid);
      const defaultConnections = backend.getSettings().connectionsPerDownload;
      return optionsView({ directory: view.download?.directory ?? '', speedLimit: view.speedLimit ?? null, defaultConnections }, storedOptions.get(view.id) ?? {});
    },
    'aria2.changeOption': ([gid, options]) => changeOption(gid, options),
    'aria2.getGlobalOption': () => globalOptionsView(backend.getSettings(), { listenPort: info.listenPort() }),
    'aria2.changeGlobalOption': ([options]) => changeGlobalOption(options),
    'aria2.getGlobalStat': () => {
      const list = downloads();
      const active = list.filter((v) => v.state === 'active');
      const numStopped = list.filter(isStopped).length;
      return {
        downloadSpeed: String(Math.round(active.reduce((sum, v) => sum + v.progress.speed, 0))),
        uploadSpeed: '0',
        numActive: String(active.length),
        numWaiting: String(list.filter((v) => v.state === 'queued' || v.state === 'paused').length),
        numStopped: String(numStopped),
        numStoppedTotal: String(numStopped),
      };
    },
    'aria2.purgeDownloadResult': async () => {
      for (const v of index.stopped()) {
        await engine.remove(v.id, { deleteFile: false });
        storedOptions.delete(v.id);
      }
      return 'OK';
    },
    'aria2.removeDownloadResult': ([gid]) => removeResult(gid),
    // `version` stays aria2's number (clients compare it to enable features); `ferryVersion` is Ferry's own.
    'aria2.getVersion': () => ({ version: FERRY_ARIA2_VERSION, ferryVersion: ferryVersion(), enabledFeatures: ['HTTPS', 'Message Digest', 'GZip'] }),
    'aria2.getSessionInfo': () => ({ sessionId }),
    // Ferry checkpoints every transfer on every change: the session is always saved.
    'aria2.saveSession': () => 'OK',
    'aria2.shutdown': () => shutdown(),
    'aria2.forceShutdown': () => shutdown(),
  };

  function shutdown(): string {
    if (!backend.shutdown) throw new RpcError('Ferry is running as the desktop app: quit it from its window or tray, not over RPC');
    setImmediate(backend.shutdown);
    return 'OK';
  }

  return { methods: new Map(Object.entries(methods)), forget: (id) => storedOptions.delete(id), close: () => index.close() };
}
