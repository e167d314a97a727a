// The last handoffs Ferry accepted, for the popup: which GID, what, when. Kept in IndexedDB of the
// extension's own origin (as the credentials are), which content scripts cannot read: download
// URLs can carry tokens. The popup asks Ferry for each GID's progress (tellStatus).
import { createStore, get, set, update, type UseStore } from 'idb-keyval';

export const MAX_HANDOFFS = 20;

export interface HandoffRecord {
  gid: string;
  url: string;
  /** What the user would call it: the page's title for a video, the suggested file name, else the URL's last part. */
  name: string;
  kind: 'link' | 'video';
  at: number;
}

const KEY = 'recent';
let store: UseStore | undefined;
// A database of its own: idb-keyval creates its object store only with a new database.
const handoffDb = (): UseStore => (store ??= createStore('ferry-handoffs', 'handoffs'));

export function addHandoff(list: readonly HandoffRecord[], record: HandoffRecord): HandoffRecord[] {
  return [record, ...list.filter((r) => r.gid !== record.gid)].slice(0, MAX_HANDOFFS);
}

export async function recordHandoff(record: HandoffRecord): Promise<void> {
  await update<HandoffRecord[]>(KEY, (list) => addHandoff(Array.isArray(list) ? list : [], record), handoffDb());
}

export async function recentHandoffs(): Promise<HandoffRecord[]> {
  const list: unknown = await get(KEY, handoffDb());
  return Array.isArray(list) ? (list as HandoffRecord[]) : [];
}

export async function forgetHandoffs(): Promise<void> {
  await set(KEY, [], handoffDb());
}
