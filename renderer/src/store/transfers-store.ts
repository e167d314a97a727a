// The renderer's model of the host: a snapshot on connect, then batched patches. Views live in a
// Map that a batch updates in place (copying 10,000 entries 4×/s showed up as garbage-collection
// time in the benchmark); `rev` changes with every batch so subscribers are told. A changed
// transfer gets a new view object, an unchanged one keeps its identity, so rows selecting
// `byId.get(id)` re-render exactly when their transfer changed. Derived lists (ids in order, the
// filtered ids, counts) are recomputed only when something structural changed: a transfer was
// added, removed, or changed state/name; a progress tick never touches them.
import { create } from 'zustand';
import type { ScheduleState, Snapshot, TransferPatch } from '../../../shared/contract';
import type { ContinueOffer } from '../../../shared/continue-offer';
import type { Destination, Settings } from '../../../shared/settings';
import type { TransferView } from '../../../shared/transfer';
import type { ConnectionState } from '../api/transport';
import type { Counts, ListFilter, Telling } from './filters';
import { ALL, countStates, repeatedNames, sameIds, visibleIds } from './filters';
import { clearSpeedHistory, forgetSpeed, recordSpeed } from './speed-history';

export interface TransfersState {
  loaded: boolean;
  connection: ConnectionState;
  byId: ReadonlyMap<string, TransferView>;
  /** Bumped by every applied batch (byId itself is updated in place). */
  rev: number;
  /** All ids in queue order. */
  order: readonly string[];
  /** The ids the list shows under the current filter. */
  visible: readonly string[];
  /** Ids of active transfers, for the status bar's totals without scanning 10,000 views. */
  activeIds: readonly string[];
  counts: Counts;
  /** Names more than one transfer has, with what tells them apart (their rows say it too). */
  repeatedNames: ReadonlyMap<string, Telling>;
  speedDown: number;
  speedUp: number;
  filter: ListFilter;
  /** Ids the list leaves out for now: removals the user may still undo. */
  hidden: ReadonlySet<string>;
  settings: Settings | null;
  /** Queue hours, the timetable's next step, a sleep/shut-down countdown; null from hosts that send none. */
  schedule: ScheduleState | null;
  destinations: Destination[];
  /** Offers to continue an unfinished download with a link the browser handed over, not yet answered. */
  offers: readonly ContinueOffer[];
}

export interface TransfersActions {
  applySnapshot(s: Snapshot): void;
  applyPatches(patches: readonly TransferPatch[]): void;
  setFilter(f: Partial<ListFilter>): void;
  setHidden(ids: ReadonlySet<string>): void;
  setConnection(c: ConnectionState): void;
  setSettings(s: Settings): void;
  setSchedule(s: ScheduleState): void;
  setDestinations(d: Destination[]): void;
  setOffers(offers: readonly ContinueOffer[]): void;
}

export type TransfersStore = TransfersState & TransfersActions;

const EMPTY_COUNTS = countStates(new Map());

function derive(
  byId: ReadonlyMap<string, TransferView>,
  order: readonly string[],
  filter: ListFilter,
  prevVisible: readonly string[],
  hidden: ReadonlySet<string>,
) {
  const visible = visibleIds(order, byId, filter, hidden);
  const activeIds = order.filter((id) => byId.get(id)?.state === 'active');
  return {
    visible: sameIds(visible, prevVisible) ? prevVisible : visible,
    activeIds,
    counts: countStates(byId),
    repeatedNames: repeatedNames(byId),
    ...speeds(byId, activeIds),
  };
}

function speeds(byId: ReadonlyMap<string, TransferView>, activeIds: readonly string[]) {
  let speedDown = 0;
  let speedUp = 0;
  for (const id of activeIds) {
    const v = byId.get(id);
    if (!v) continue;
    if (v.kind === 'download') speedDown += v.progress.speed;
    else speedUp += v.progress.speed;
  }
  return { speedDown, speedUp };
}

export function createTransfersStore() {
  return create<TransfersStore>()((set, get) => ({
    loaded: false,
    connection: 'connecting',
    byId: new Map(),
    rev: 0,
    order: [],
    visible: [],
    activeIds: [],
    counts: EMPTY_COUNTS,
    repeatedNames: new Map(),
    speedDown: 0,
    speedUp: 0,
    filter: ALL,
    hidden: new Set(),
    settings: null,
    schedule: null,
    destinations: [],
    offers: [],

    applySnapshot(s) {
      clearSpeedHistory();
      const byId = new Map<string, TransferView>();
      const order: string[] = [];
      for (const v of s.transfers) {
        if (!byId.has(v.id)) order.push(v.id);
        byId.set(v.id, v);
      }
      const { filter, visible, rev, hidden } = get();
      set({
        loaded: true,
        byId,
        rev: rev + 1,
        order,
        settings: s.settings,
        schedule: s.schedule ?? null,
        destinations: s.destinations,
        offers: s.offers ?? [],
        ...derive(byId, order, filter, visible, hidden),
      });
      if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark('ferry:snapshot');
    },

    applyPatches(patches) {
      if (patches.length === 0) return;
      const state = get();
      const byId = state.byId as Map<string, TransferView>;
      let order = state.order as string[];
      let orderCopied = false;
      let structural = false;
      let reordered = false;
      const now = Date.now();
      for (const p of patches) {
        const prev = byId.get(p.id);
        if ('removed' in p) {
          if (!prev) continue;
          byId.delete(p.id);
          forgetSpeed(p.id);
          structural = true;
        } else if ('view' in p) {
          if (!prev) {
            if (!orderCopied) (order = order.slice()), (orderCopied = true);
            order.push(p.id);
            structural = true;
          } else if (prev.state !== p.view.state || prev.name !== p.view.name || prev.url !== p.view.url) {
            structural = true;
          }
          if (prev && prev.queueOrder !== p.view.queueOrder) reordered = true;
          byId.set(p.id, p.view);
          recordSpeed(p.id, p.view.state === 'active' ? p.view.progress.speed : 0, now);
        } else if (prev) {
          // A progress-only patch for an unknown id is stale (removed meanwhile): ignore it.
          byId.set(p.id, { ...prev, progress: p.progress });
          recordSpeed(p.id, p.progress.speed, now);
        }
      }
      if (reordered) {
        // A transfer moved in the queue (reorder from any UI or client): the list follows its key.
        order = sortedByQueueOrder(order, byId);
        structural = true;
      }
      if (structural) {
        if (byId.size !== order.length) order = order.filter((id) => byId.has(id));
        set({ rev: state.rev + 1, order, ...derive(byId, order, state.filter, state.visible, state.hidden) });
      } else {
        set({ rev: state.rev + 1, ...speeds(byId, state.activeIds) });
      }
    },

    setFilter(f) {
      const { filter, byId, order, visible, hidden } = get();
      const next = { ...filter, ...f };
      const nextVisible = visibleIds(order, byId, next, hidden);
      set({ filter: next, visible: sameIds(nextVisible, visible) ? visible : nextVisible });
    },

    setHidden(hidden) {
      const { filter, byId, order, visible } = get();
      const nextVisible = visibleIds(order, byId, filter, hidden);
      set({ hidden, visible: sameIds(nextVisible, visible) ? visible : nextVisible });
    },

    setConnection(connection) {
      set({ connection });
    },
    setSchedule(schedule) {
      set({ schedule });
    },

    setSettings(settings) {
      set({ settings });
    },
    setDestinations(destinations) {
      set({ destinations });
    },
    setOffers(offers) {
      set({ offers });
    },
  }));
}

export type TransfersStoreHook = ReturnType<typeof createTransfersStore>;

/** The app's one store. Tests make their own with createTransfersStore(). */
export const useTransfers = createTransfersStore();

/** Ids by their views' queue order (stable: ids without one keep their place relative to each other). */
function sortedByQueueOrder(order: readonly string[], byId: ReadonlyMap<string, TransferView>): string[] {
  const keyed = order.filter((id) => byId.has(id)).map((id, index) => ({ id, index, key: byId.get(id)!.queueOrder ?? Number.POSITIVE_INFINITY }));
  keyed.sort((a, b) => a.key - b.key || a.index - b.index);
  return keyed.map((k) => k.id);
}
