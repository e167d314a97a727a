// aria2's RPC methods as a translation onto Ferry's one service (see aria2's RpcMethodImpl.cc and
// its manual): aria2's names and shapes in, service calls out as a browser or RPC client. What a
// client may name (folders, file names, settings, proxies), masking, not-found and the state rules
// are the service's and shared/transfer-states.ts's; here is only what makes Ferry look like aria2
// (GIDs, its queues, its option strings, its error words). Each method takes the params after the
// secret and returns the result value or throws RpcError. Uploads are Ferry's own: aria2 clients see downloads only.
import { randomBytes } from 'node:crypto';
import type { Reply, RequestName } from '../../../../shared/contract';
import { canPause, canResume } from '../../../../shared/transfer-states';
import type { TransferView } from '../../../../shared/transfer';
import type { RpcBackend, RpcSettingsPatch } from './backend';
import { DownloadIndex, isStopped, page } from './download-index';
import { assignGid, gidOf } from './gid';
import { asOptions, downloadOptionsFrom, globalOptionsView, optionsView, proxyChoiceFrom, settingsPatchFrom, type DownloadOptions } from './options';
import { changeUri } from './change-uri';
import { filesOf, pickKeys, statusStruct, urisOf } from './status-view';
import { intParam, keysParam, RpcError } from './rpc-error';
import { ferryVersion } from '../host/ferry-version';
import { checkClientFileName } from '../service/client-save-folders';

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
}

/** An option aria2 would refuse (OptionError keeps aria2's words), as aria2's error. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new RpcError(error instanceof Error ? error.message : String(error));
  }
}

export function createMethods(backend: RpcBackend, info: { listenPort: () => number }): MethodTable {
  const sessionId = randomBytes(20).toString('hex');
  // Options aria2 clients set that only aria2 shows (getOption): the out/checksum/header values,
  // the connections asked for.
  const storedOptions = new Map<string, DownloadOptions>();
  /** GIDs chosen by clients whose downloads are being added right now. */
  const reservedGids = new Set<string>();

  // A handoff continued as an earlier download (the user answered Ferry's offer) answers for it.
  const index = new DownloadIndex(backend.views, (id) => backend.continuedAs?.(id));
  const find = (gid: unknown) => index.find(gid);
  const downloads = () => index.all();

  /** One service call; a refusal becomes aria2's error (a transfer gone meanwhile: its GID is not found). */
  async function call<T = unknown>(name: RequestName, input: unknown, gid?: string): Promise<T> {
    const reply: Reply<unknown> = await backend.call(name, input);
    if (reply.ok) return reply.value as T;
    if (reply.error.code === 'NOT_FOUND' && gid !== undefined) throw new RpcError(`GID ${gid} is not found`);
    throw new RpcError(reply.error.message);
  }

  async function addUri(urisParam: unknown, optionsParam: unknown, positionParam: unknown): Promise<string> {
    if (!Array.isArray(urisParam) || urisParam.length === 0 || !urisParam.every((u) => typeof u === 'string')) {
      throw new RpcError('URI is not provided.');
    }
    const options = parsed(() => downloadOptionsFrom(optionsParam));
    // Checked before the add: a refused call must not leave a download behind.
    const position = positionParam === undefined ? undefined : intParam(positionParam, 'position');
    // aria2 treats several URIs as mirrors of one file: so does Ferry (segments spread over them).
    const [url, ...others] = urisParam as string[];
    const mirrors = [...new Set(others.filter((u) => u !== url))];
    for (const uri of [url!, ...mirrors]) {
      if (!/^https?:\/\//i.test(uri)) throw new RpcError(`Ferry downloads http and https URIs only: ${uri.slice(0, 200)}`);
    }
    // The service refuses it too; checked here for aria2's words.
    if (options.out !== undefined) clientFileName(options.out);
    // A chosen GID is an idempotency key: a resent submission whose first answer was lost must not
    // add a second download. Reserved before the (asynchronous) add, so two at once cannot both pass.
    const chosenGid = options.gid;
    if (chosenGid !== undefined) {
      if (reservedGids.has(chosenGid) || downloads().some((v) => gidOf(v.id) === chosenGid) || index.continuedDownload(chosenGid)) throw new RpcError(`GID ${chosenGid} is not unique`);
      reservedGids.add(chosenGid);
    }
    let view: TransferView;
    try {
      [view] = (await call<TransferView[]>(
        'addDownloads',
        {
          urls: [url],
          ...(mirrors.length > 0 ? { mirrors } : {}),
          ...(options.dir !== undefined ? { directory: options.dir } : {}),
          ...(options.out !== undefined ? { fileName: options.out } : {}),
          ...(options.sha256 ? { sha256: options.sha256 } : {}),
          ...(options.headers ? { headers: options.headers } : {}),
          ...(typeof options.speedLimit === 'number' ? { bytesPerSecond: options.speedLimit } : {}),
          ...(options.pause ? { paused: true } : {}),
          // Without split: Settings › Connections per download, as a default the ramp judges (the service's default).
          ...(options.connections !== undefined ? { connections: options.connections } : {}),
          ...(options.stream ? { stream: options.stream } : {}),
          ...(options.proxy ? { proxy: options.proxy } : {}),
          ...(options.size !== undefined ? { sizeHint: options.size } : {}),
        },
      )) as [TransferView];
    } finally {
      if (chosenGid !== undefined) reservedGids.delete(chosenGid);
    }
    if (chosenGid !== undefined) assignGid(view.id, chosenGid);
    storedOptions.set(view.id, options);
    if (position !== undefined) await moveInWaiting(view.id, position);
    return gidOf(view.id);
  }

  async function moveInWaiting(id: string, position: number): Promise<number> {
    const all = backend.views.ordered();
    const others = all.filter((v) => v.id !== id);
    const waitingOthers = others.filter((v) => v.kind === 'download' && (v.state === 'queued' || v.state === 'paused'));
    const target = Math.max(0, Math.min(position, waitingOthers.length));
    const anchor = waitingOthers[target];
    const toIndex = anchor ? others.indexOf(anchor) : waitingOthers.length > 0 ? others.indexOf(waitingOthers.at(-1)!) + 1 : others.length;
    await call('reorder', { id, toIndex }, gidOf(id));
    return target;
  }

  async function pause(gid: unknown): Promise<string> {
    const view = find(gid);
    if (!canPause(view.state)) throw new RpcError(`GID#${gidOf(view.id)} cannot be paused now`);
    await call('pause', { ids: [view.id] }, gidOf(view.id));
    return gidOf(view.id);
  }

  async function unpause(gid: unknown): Promise<string> {
    const view = find(gid);
    if (!canResume(view.state)) throw new RpcError(`GID#${gidOf(view.id)} cannot be unpaused now`);
    await call('resume', { ids: [view.id] }, gidOf(view.id));
    return gidOf(view.id);
  }

  async function remove(gid: unknown): Promise<string> {
    const view = find(gid);
    // aria2's "active download": in its active, waiting or paused queues.
    if (isStopped(view)) throw new RpcError(`Active Download not found for GID#${gidOf(view.id)}`);
    if (view.startedAt === undefined) {
      // aria2 forgets a download that never started outright, leaving no result behind.
      await call('remove', { ids: [view.id], deleteFiles: false }, gidOf(view.id));
      storedOptions.delete(view.id);
      return gidOf(view.id);
    }
    // aria2's "removed" keeps the result until removeDownloadResult: Ferry's canceled is that.
    await call('cancel', { ids: [view.id] }, gidOf(view.id));
    return gidOf(view.id);
  }

  async function removeResult(gid: unknown): Promise<string> {
    const view = find(gid);
    if (!isStopped(view)) throw new RpcError(`Could not remove download result of GID#${gidOf(view.id)}`);
    await call('remove', { ids: [view.id], deleteFiles: false }, gidOf(view.id));
    storedOptions.delete(view.id);
    return 'OK';
  }

  async function changeOption(gid: unknown, raw: unknown): Promise<string> {
    const view = find(gid);
    const options = parsed(() => downloadOptionsFrom(raw));
    // Refused as addUri refuses it, though an existing download keeps its name.
    if (options.out !== undefined) clientFileName(options.out);
    if (options.speedLimit !== undefined) await call('setTransferSpeedLimit', { id: view.id, bytesPerSecond: options.speedLimit }, gidOf(view.id));
    if (options.connections !== undefined) storedOptions.set(view.id, { ...storedOptions.get(view.id), connections: options.connections });
    const proxy = parsed(() => proxyChoiceFrom(asOptions(raw) as Record<string, string>, view.proxy));
    if (proxy) {
      await call('setTransferProxy', { id: view.id, proxy }, gidOf(view.id));
      storedOptions.set(view.id, { ...storedOptions.get(view.id), proxy });
    }
    // dir, out, header and checksum of an existing download stay as they were (aria2 too refuses
    // most of them once a download started); they are accepted and ignored.
    return 'OK';
  }

  async function changeGlobalOption(raw: unknown): Promise<string> {
    const patch: RpcSettingsPatch = parsed(() => settingsPatchFrom(raw, backend.settings()));
    if (Object.keys(patch).length > 0) {
      await call('setSettings', patch);
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
    'aria2.pauseAll': () => call('pauseAll', undefined).then(() => 'OK'),
    'aria2.forcePauseAll': () => call('pauseAll', undefined).then(() => 'OK'),
    'aria2.unpause': ([gid]) => unpause(gid),
    'aria2.unpauseAll': () => call('resumeAll', undefined).then(() => 'OK'),
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
      // aria2's order of checks (ChangePositionRpcMethod): the parameters, then `how`, then the queue.
      const view = find(gid);
      const n = intParam(pos, 'pos');
      if (how !== 'POS_SET' && how !== 'POS_CUR' && how !== 'POS_END') throw new RpcError('Illegal argument: how must be POS_SET, POS_CUR or POS_END');
      const list = index.waiting();
      const current = list.findIndex((v) => v.id === view.id);
      if (current < 0) throw new RpcError(`GID#${gidOf(view.id)} not found in the waiting queue.`);
      // IndexedList::move: relative to where it is, to the start, or to the end; clamped to the queue.
      const target = how === 'POS_SET' ? n : how === 'POS_CUR' ? current + n : list.length - 1 + n;
      return moveInWaiting(view.id, Math.max(0, Math.min(target, list.length - 1)));
    },
    'aria2.changeUri': (params) => changeUri((name, input) => call(name, input, gidOf(find(params[0]).id)), find(params[0]), params),
    'aria2.getOption': ([gid]) => {
      const view = find(gid);
      const defaultConnections = backend.settings().connectionsPerDownload;
      return optionsView({ directory: view.download?.directory ?? '', speedLimit: view.speedLimit ?? null, defaultConnections }, storedOptions.get(view.id) ?? {});
    },
    'aria2.changeOption': ([gid, options]) => changeOption(gid, options),
    'aria2.getGlobalOption': () => globalOptionsView(backend.settings(), { listenPort: info.listenPort() }),
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
      const stopped = index.stopped().map((v) => v.id);
      if (stopped.length > 0) await call('remove', { ids: stopped, deleteFiles: false });
      for (const id of stopped) storedOptions.delete(id);
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

  return { methods: new Map(Object.entries(methods)), forget: (id) => storedOptions.delete(id) };
}

/** aria2's `out`: one plain name (the rule clients' names follow everywhere), refused in aria2's words. */
function clientFileName(out: string): void {
  try {
    checkClientFileName(out);
  } catch (error) {
    throw new RpcError(`We encountered a problem while processing the option '--out': ${(error as Error).message}`);
  }
}
