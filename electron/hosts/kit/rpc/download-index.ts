// The downloads as aria2 clients see them: found by GID (or an unambiguous prefix, as aria2
// allows), and listed as aria2's three queues. Uploads are Ferry's own and are not listed.
import type { TransferView } from '../../../../shared/transfer';
import type { TransferViews } from '../service/transfer-views';
import { chosenGids, gidOf, isGidLike } from './gid';
import { intParam, keysParam, RpcError } from './rpc-error';
import { pickKeys, statusStruct } from './status-view';

export const isStopped = (v: TransferView) => v.state === 'completed' || v.state === 'failed' || v.state === 'canceled';
const isWaiting = (v: TransferView) => v.state === 'queued' || v.state === 'paused';

export class DownloadIndex {
  // GID → transfer id, so that what clients ask every second (tellStatus of one GID) is one map
  // lookup. Rebuilt on a miss.
  private readonly idOfGid = new Map<string, string>();

  /** The service's current views: aria2 clients poll every second, and reading them costs nothing per transfer. */
  constructor(
    private readonly views: TransferViews,
    /** The download a gone transfer was continued as (a browser's handoff whose offer was answered "continue"). */
    private readonly continuedAs: (id: string) => string | undefined = () => undefined,
  ) {}

  all(): TransferView[] {
    const downloads: TransferView[] = [];
    for (const view of this.views.all()) if (view.kind === 'download') downloads.push(view);
    return downloads;
  }

  find(gid: unknown): TransferView {
    if (!isGidLike(gid)) throw new RpcError(`GID ${String(gid)} is not found`);
    const wanted = gid.toLowerCase();
    const known = this.idOfGid.get(wanted);
    const direct = known === undefined ? undefined : this.views.get(known);
    if (direct?.kind === 'download') return direct;
    this.idOfGid.clear();
    const all = this.all();
    for (const v of all) this.idOfGid.set(gidOf(v.id), v.id);
    const matches = all.filter((v) => gidOf(v.id).startsWith(wanted));
    if (matches.length === 0) {
      const continued = this.continuedDownload(wanted);
      if (continued) return continued;
    }
    if (matches.length !== 1) throw new RpcError(matches.length === 0 ? `GID ${gid} is not found` : `GID ${gid} is ambiguous`);
    return matches[0]!;
  }

  /**
   * A handoff's GID after its download was continued as an earlier one: that one answers (its own
   * GID in the answer), so the extension's popup shows the real progress of the file it handed over.
   */
  continuedDownload(wanted: string): TransferView | undefined {
    for (const [transferId, gid] of chosenGids()) {
      if (gid !== wanted || this.views.get(transferId)) continue;
      const into = this.continuedAs(transferId);
      const view = into === undefined ? undefined : this.views.get(into);
      if (view?.kind === 'download') return view;
    }
    return undefined;
  }

  active(): TransferView[] {
    return this.all().filter((v) => v.state === 'active');
  }

  /** In queue order, which is the engine's own (not in the views): the one list that asks for it. */
  waiting(): TransferView[] {
    return this.views.ordered().filter((v) => v.kind === 'download' && isWaiting(v));
  }

  /** In the order they stopped, as aria2 keeps its results. */
  stopped(): TransferView[] {
    return this.all()
      .filter(isStopped)
      .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
  }
}

/** aria2's paging: a negative offset counts from the end and returns the list reversed. */
export function page(list: TransferView[], offsetParam: unknown, numParam: unknown, keysRaw: unknown) {
  const offset = intParam(offsetParam, 'offset');
  const num = intParam(numParam, 'num');
  const keys = keysParam(keysRaw);
  let slice: TransferView[];
  if (offset >= 0) slice = list.slice(offset, offset + Math.max(0, num));
  else {
    slice = [];
    for (let i = list.length + offset; i >= 0 && slice.length < num; i--) if (list[i]) slice.push(list[i]!);
  }
  return slice.map((v) => pickKeys(statusStruct(v), keys));
}
