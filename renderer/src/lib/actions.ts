// What buttons, menus and shortcuts do: one call to the host, failures shown as a toast.
import type { ChosenFile, ErrorReply, Reply } from '../../../shared/contract';
import type { ProxyChoice } from '../../../shared/proxy';
import type { TransferPriority, TransferView } from '../../../shared/transfer';
import { dropTarget, moveTarget, type QueueMove } from './queue-moves';
import { transport } from '../api/current';
import { matches } from '../store/filters';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { canPause as canPauseState, canResume as canResumeState } from '../../../shared/transfer-states';

async function run<T>(what: string, p: Promise<Reply<T>>): Promise<T | undefined> {
  // The call waits for the connection (the client queues it); say so rather than seem to do nothing.
  if (useTransfers.getState().connection !== 'open') useUi.getState().toast(`${what}: not connected to Ferry; it goes out once the connection is back.`, 'warn');
  try {
    const r = await p;
    if (r.ok) return r.value;
    useUi.getState().toast(`${what}: ${r.error.message}`, 'error');
  } catch (e) {
    useUi.getState().toast(`${what}: ${(e as Error).message}`, 'error');
  }
  return undefined;
}

const api = () => transport().api;

const withIds = (ids: string[], f: (ids: string[]) => Promise<unknown>) => (ids.length > 0 ? f(ids) : Promise.resolve());

export const pause = (ids: string[]) => withIds(ids, (ids) => run('Pause', api().pause({ ids })));
export const resume = (ids: string[]) => withIds(ids, (ids) => run('Resume', api().resume({ ids })));
export const cancel = (ids: string[]) => withIds(ids, (ids) => run('Cancel', api().cancel({ ids })));
export const retry = (ids: string[]) => withIds(ids, (ids) => run('Retry', api().retry({ ids })));
export const remove = (ids: string[], deleteFiles = false, opts: { quiet?: boolean } = {}) =>
  withIds(ids, async (ids) => {
    const r = await api().remove({ ids, deleteFiles });
    if (!r.ok) return void useUi.getState().toast(`Remove: ${r.error.message}`, 'error');
    if (opts.quiet) return; // the Undo notice already said it
    useUi.getState().clearSelection();
    const what = ids.length === 1 ? 'a transfer' : `${ids.length} transfers`;
    useUi.getState().toast(deleteFiles ? `Removed ${what} and deleted the files` : `Removed ${what} from the list; finished files stay on disk`);
  });
export const pauseAll = () => run('Pause all', api().pauseAll());
export const resumeAll = () => run('Resume all', api().resumeAll());
export const moveToTop = (id: string) => run('Move to top', api().reorder({ id, toIndex: 0 }));
/** Up, down, top or bottom of the queue, stepping over the neighbour shown in the list. */
export function moveInQueue(id: string, move: QueueMove): Promise<unknown> {
  const { order, visible } = useTransfers.getState();
  const toIndex = moveTarget(order, visible, id, move);
  return toIndex === undefined ? Promise.resolve() : run('Move', api().reorder({ id, toIndex }));
}
export function dropInQueue(id: string, target: string, after: boolean): Promise<unknown> {
  const toIndex = dropTarget(useTransfers.getState().order, id, target, after);
  return toIndex === undefined ? Promise.resolve() : run('Move', api().reorder({ id, toIndex }));
}
export const setPriority = (ids: string[], priority: TransferPriority) => Promise.all(ids.map((id) => run('Priority', api().setTransferPriority({ id, priority }))));
export const setOwnLimit = (id: string, bytesPerSecond: number | null) => run('Speed limit', api().setTransferSpeedLimit({ id, bytesPerSecond }));
/** true once the host took it (used from the transfer's next connection). */
export async function setOwnProxy(id: string, proxy: ProxyChoice | null): Promise<boolean> {
  const r = await transport().api.setTransferProxy({ id, proxy });
  if (!r.ok) useUi.getState().toast(`Proxy: ${r.error.message}`, 'error');
  return r.ok;
}
/** A download's new address or one more mirror; the host's refusal (a bad URL, a running download) is returned in words. */
export async function setDownloadAddress(id: string, url: string, as: 'address' | 'mirror'): Promise<string | null> {
  const r = await transport().api.setDownloadAddress({ id, url, as });
  if (!r.ok) return r.error.message;
  useUi.getState().toast(as === 'address' ? 'Address updated: the download goes on from it' : 'Mirror added');
  return null;
}
export const openFile = (id: string) => run('Open', api().openFile({ id }));
export const showInFolder = (id: string) => run('Show in folder', api().showInFolder({ id }));

/** A download whose link may have expired: its address can be changed while it does not run. */
export function canUpdateAddress(v: TransferView): boolean {
  return v.kind === 'download' && (v.state === 'paused' || v.state === 'failed' || v.state === 'canceled');
}
export function canAddMirror(v: TransferView): boolean {
  return v.kind === 'download' && v.state !== 'completed' && v.state !== 'canceled';
}

// Pause and resume ask the engine's own state table (shared/transfer-states.ts).
export function canPause(v: TransferView): boolean {
  return canPauseState(v.state);
}
export function canResume(v: TransferView): boolean {
  return canResumeState(v.state);
}
export function canRetry(v: TransferView): boolean {
  return v.state === 'failed' || v.state === 'canceled';
}
/** Whether Show in folder has something to show: a finished file, the bytes of one under way, an upload's source. */
export function hasFileOnDisk(v: TransferView): boolean {
  if (v.kind === 'upload') return !!v.upload?.sourcePath;
  return !!v.download?.filePath || (v.progress.bytesDone > 0 && v.state !== 'canceled' && v.state !== 'completed');
}

export function canCancel(v: TransferView): boolean {
  return v.state === 'active' || v.state === 'queued' || v.state === 'paused';
}

/** Space: pause the running ones among `ids`, or resume them all if none runs. */
export function togglePause(ids: string[]): void {
  const views = ids.map((id) => useTransfers.getState().byId.get(id)).filter((v): v is TransferView => !!v);
  const running = views.filter(canPause).map((v) => v.id);
  if (running.length > 0) void pause(running);
  else void resume(views.filter(canResume).map((v) => v.id));
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (not focused, insecure origin): fall back to a hidden textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  useUi.getState().toast('Copied the URL');
}

/** Adds downloads; a refusal goes to `onError` (a dialog shows it beside its field) or else to a notice. */
export async function addDownloads(
  urls: string[],
  directory?: string,
  sha256?: string,
  proxy?: ProxyChoice,
  onError?: (error: ErrorReply) => void,
  own: { bytesPerSecond?: number; priority?: TransferPriority; stream?: { variant: string } } = {},
): Promise<TransferView[] | undefined> {
  const input = { urls, ...(directory ? { directory } : {}), ...(sha256 ? { sha256 } : {}), ...(proxy ? { proxy } : {}), ...own };
  const r = await transport().api.addDownloads(input);
  if (!r.ok) {
    if (onError) onError(r.error);
    else useUi.getState().toast(r.error.message, 'error');
    return undefined;
  }
  reveal(r.value);
  return r.value;
}

/**
 * Sends the Files to the host (browser) or trades them, in one go, for main-process handles (Electron), adds
 * the files already chosen in the host's dialog, then queues the uploads.
 */
export async function uploadFiles(files: File[], chosen: ChosenFile[], destinationId: string): Promise<string | null> {
  const t = transport();
  const paths: string[] = [];
  const handles = chosen.map((c) => c.handle);
  const sources = await t.filesToSources(files);
  if (!sources.ok) return sources.error.message;
  for (const source of sources.value) {
    if ('handle' in source) handles.push(source.handle);
    else paths.push(source.path);
  }
  if (paths.length + handles.length === 0) return 'Choose at least one file.';
  const r = await t.api.addUploads({ ...(paths.length > 0 ? { paths } : {}), ...(handles.length > 0 ? { handles } : {}), destinationId });
  if (!r.ok) return r.error.message;
  reveal(r.value);
  return null;
}

/**
 * After adding: show the new transfers (clear a filter that would hide them) and put the focus on
 * the first. Only that one is selected: a batch left selected made every row's own menu act on the
 * whole batch ("Cancel (3)").
 */
function reveal(views: TransferView[]): void {
  const first = views[0];
  if (!first) return;
  const { filter, setFilter } = useTransfers.getState();
  if (!matches(first, filter)) setFilter({ state: 'all', kind: 'all', search: '' });
  useUi.setState({ selected: new Set([first.id]), anchor: first.id, focused: first.id });
}

/**
 * What to say beside a field about a refused request: the host's words without the request's name
 * ("Invalid input for addDownloads: … (at directory)" → "…"), or null when the error is not about `field`.
 */
export function fieldError(error: ErrorReply, field: string): string | null {
  if (error.field !== field) return null;
  return error.message.replace(/^Invalid input for \w+: /, '').replace(/ \(at [\w.]+\)$/, '');
}
