// Which transfers the list shows. Pure functions so the store and tests share them.
import type { TransferKind, TransferState, TransferView } from '../../../shared/transfer';

export const STATE_FILTERS = ['all', 'active', 'queued', 'paused', 'completed', 'failed', 'canceled'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];
export type KindFilter = 'all' | TransferKind;

export interface ListFilter {
  state: StateFilter;
  kind: KindFilter;
  search: string;
}

export const ALL: ListFilter = { state: 'all', kind: 'all', search: '' };

// One filter per state, so the sidebar's counts are the status bar's ("Failed 7", "7 failed · 1 canceled").
const STATES_FOR: Record<Exclude<StateFilter, 'all'>, readonly TransferState[]> = {
  active: ['active'],
  queued: ['queued'],
  paused: ['paused'],
  completed: ['completed'],
  failed: ['failed'],
  canceled: ['canceled'],
};

export function matches(view: TransferView, f: ListFilter, needle = f.search.trim().toLowerCase()): boolean {
  if (f.state !== 'all' && !STATES_FOR[f.state].includes(view.state)) return false;
  if (f.kind !== 'all' && view.kind !== f.kind) return false;
  if (needle && !view.name.toLowerCase().includes(needle) && !view.url.toLowerCase().includes(needle)) return false;
  return true;
}

export function visibleIds(order: readonly string[], byId: ReadonlyMap<string, TransferView>, f: ListFilter, hidden: ReadonlySet<string> = new Set()): string[] {
  if (f.state === 'all' && f.kind === 'all' && !f.search.trim() && hidden.size === 0) return order.slice();
  const needle = f.search.trim().toLowerCase();
  const out: string[] = [];
  for (const id of order) {
    if (hidden.has(id)) continue;
    const v = byId.get(id);
    if (v && matches(v, f, needle)) out.push(id);
  }
  return out;
}

export type Counts = Record<TransferState, number> & { download: number; upload: number; total: number };

export function countStates(byId: ReadonlyMap<string, TransferView>): Counts {
  const c: Counts = { queued: 0, active: 0, paused: 0, completed: 0, failed: 0, canceled: 0, download: 0, upload: 0, total: 0 };
  for (const v of byId.values()) {
    c[v.state]++;
    c[v.kind]++;
    c.total++;
  }
  return c;
}

export function countFor(c: Counts, f: StateFilter): number {
  if (f === 'all') return c.total;
  return STATES_FOR[f].reduce((n, s) => n + c[s], 0);
}

export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How rows that share a name are told apart: by folder, else by host, else by the whole URL. */
export type Telling = 'folder' | 'host' | 'url';

/** Names that more than one transfer has, with what tells those transfers apart. */
export function repeatedNames(byId: ReadonlyMap<string, TransferView>): ReadonlyMap<string, Telling> {
  const groups = new Map<string, TransferView[]>();
  for (const v of byId.values()) {
    const group = groups.get(v.name);
    if (group) group.push(v);
    else groups.set(v.name, [v]);
  }
  const out = new Map<string, Telling>();
  for (const [name, group] of groups) {
    if (group.length < 2) continue;
    const differ = (f: (v: TransferView) => string) => new Set(group.map(f)).size === group.length;
    out.set(name, differ((v) => whereOf(v, 'folder')) ? 'folder' : differ((v) => whereOf(v, 'host')) ? 'host' : 'url');
  }
  return out;
}

/** Where a transfer's file is or goes, shortly: a download's folder (or an upload's host), its host, or its URL. */
export function whereOf(v: TransferView, telling: Telling = 'folder'): string {
  if (telling === 'folder' && v.download) return v.download.directory.replace(/[\\/]+$/, '') || v.download.directory;
  let url: URL;
  try {
    url = new URL(v.url.replaceAll('{filename}', 'x'));
  } catch {
    return v.url;
  }
  return telling === 'url' ? `${url.host}${url.pathname}${url.search}` : url.host;
}
